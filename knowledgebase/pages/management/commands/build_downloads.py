"""Build the bulk download files: the whole published dataset, as gzip-compressed CSV and JSON Lines.

Run after publishing, or from a timer every minute with ``--if-stale --debounce 60``: it then builds only
when the published content changed since the last build, and once the last change is a minute old, so
that a reviewer publishing a batch causes one build (see docs/deploy.md, "Bulk downloads").
"""

import resource
import time

from django.core.management.base import BaseCommand

from knowledgebase.opendata.bulk import (
    CONTENT_CHANGED,
    BuildRunning,
    build,
    content_state,
    expected_files,
    stale_reason,
)
from knowledgebase.opendata.bulk_files import downloads_root, public_name
from knowledgebase.pages.data import BULK_DATASETS


class Command(BaseCommand):
    help = (
        "Write the bulk download files of the whole published dataset (events, figures, displacement "
        "statistics; CSV with HXL and JSON Lines, gzip-compressed; one per language) into DOWNLOADS_ROOT, "
        "each whole before it replaces the last, then their manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Build only when the published content changed since the last build, or a file is missing.",
        )
        parser.add_argument(
            "--debounce",
            type=int,
            default=0,
            metavar="SECONDS",
            help="With --if-stale, build only once the last change is at least this many seconds old.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be built, and build nothing.")

    def handle(self, *args, if_stale=False, debounce=0, dry_run=False, **options):
        reason = stale_reason(BULK_DATASETS)
        if if_stale and reason is None:
            self.stdout.write("The files hold the published content as it is: nothing to build.")
            return
        if if_stale and reason == CONTENT_CHANGED and (wait := self.debounce_wait(debounce)) > 0:
            self.stdout.write(f"The content changed {debounce - wait:.0f} s ago: building once it is {debounce} s old.")
            return
        if reason:
            self.stdout.write(f"Building: {reason}.")
        if dry_run:
            for dataset, fmt, language in expected_files(BULK_DATASETS):
                self.stdout.write(f"Would write {public_name(dataset.slug, fmt, language)} into {downloads_root()}.")
            return
        try:
            manifest = build(BULK_DATASETS, report=self.report)
        except BuildRunning as running:
            self.stdout.write(self.style.WARNING(f"{running} Nothing done."))
            return
        rows = sum(entry["rows"] for entry in manifest["files"])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {len(manifest['files'])} files ({rows:,} rows) in {manifest['seconds']:.1f} s "
                f"into {downloads_root()}; peak memory of this process {peak:.0f} MB."
            )
        )

    @staticmethod
    def debounce_wait(debounce):
        """Seconds until the last change is ``debounce`` seconds old (0 or less: build now)."""
        _version, changed_at = content_state()
        return debounce - (time.time() - changed_at) if changed_at is not None else 0

    def report(self, entry):
        speed = entry["rows"] / entry["seconds"] if entry["seconds"] else 0
        self.stdout.write(
            f"  {entry['name']}: {entry['rows']:,} rows, {entry['bytes'] / 1e6:.1f} MB "
            f"({entry['content_bytes'] / 1e6:.1f} MB uncompressed), {entry['seconds']:.2f} s, {speed:,.0f} rows/s"
        )
