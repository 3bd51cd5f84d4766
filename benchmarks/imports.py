"""Benchmark the admin's spreadsheet import: N generated figures and statistics, dry run and confirm.

The rows go through the admin's import page exactly as an editor's file does (Django's test client:
upload and dry run, then confirm), on the database the settings name (DATABASE_URL, else the demo's
SQLite file), which must be migrated. For each kind and phase it prints seconds and rows per second.

Usage (from the project root):

    .venv/bin/python benchmarks/imports.py --rows 5000
    .venv/bin/python benchmarks/imports.py --rows 5000 --format xlsx --kinds figures
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kb_imports .venv/bin/python benchmarks/imports.py

It creates what the rows refer to (an event category and type, a measure, an organisation, a source,
draft events, a superuser), and deletes every row it created, history and admin log included, even
when a run fails or is interrupted. Target: under 30 s for each dry run and confirm of 5,000 rows.
"""

import argparse
import io
import os
import re
import secrets
import sys
import time
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "knowledgebase.settings")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # this process only; nothing is signed to keep
os.environ.setdefault("STAFF_2FA_REQUIRED", "0")  # the benchmark's own user signs in with force_login

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.admin.models import LogEntry  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from knowledgebase.actors.models import Organization  # noqa: E402
from knowledgebase.displacement.models import DisplacementStatistic  # noqa: E402
from knowledgebase.displacement.resources import DisplacementStatisticResource  # noqa: E402
from knowledgebase.events.models import Event, EventCategory, EventType, Figure, Measure  # noqa: E402
from knowledgebase.events.resources import FigureResource  # noqa: E402
from knowledgebase.serving.content_version import invalidation_deferred  # noqa: E402
from knowledgebase.sources.models import Source  # noqa: E402

# The columns of each import, in the order of the rows this script writes: the resources' own.
FIGURE_COLUMNS = list(FigureResource._meta.fields)
STATISTIC_COLUMNS = list(DisplacementStatisticResource._meta.fields)
EVENTS = 50  # the figures are spread over this many draft events
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


class Fixture:
    """What the generated rows refer to, under one random tag, and its removal."""

    def __init__(self):
        self.tag = "bi" + secrets.token_hex(3)
        slug = f"bench-import-{self.tag}"
        category = EventCategory.objects.create(name=slug, slug=slug)
        self.event_type = EventType.objects.create(name=slug, slug=slug, category=category)
        self.measure = Measure.objects.create(name=slug, slug=slug)
        self.organization = Organization.objects.create(name=slug, slug=slug)
        self.source = Source.objects.create(title=slug, slug=slug)
        self.events = [
            Event.objects.create(
                title=f"{slug} {n}",
                slug=f"{slug}-{n}",
                public_id=f"{self.tag}-e{n}",
                event_type=self.event_type,
                start_date="2024-01-03",
                summary="Generated for an import benchmark.",
            )
            for n in range(EVENTS)
        ]
        self.user = get_user_model().objects.create_superuser(username=slug, password=secrets.token_urlsafe())

    def signed_in_client(self):
        """A client with a session of this run's user, made directly: no sign-in signal, so no sign-in
        record is left behind (force_login would send one, without a client address)."""
        self.session = import_module(settings.SESSION_ENGINE).SessionStore()
        self.session[SESSION_KEY] = str(self.user.pk)
        self.session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        self.session[HASH_SESSION_KEY] = self.user.get_session_auth_hash()
        self.session.save()
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = self.session.session_key
        return client

    def rows(self, kind, count):
        if kind == "figures":
            return [
                [
                    f"{self.tag}-{n}",
                    self.events[n % EVENTS].public_id,
                    self.measure.slug,
                    100 + n,
                    "exact",
                    "",
                    "",
                    "",
                    self.organization.slug,
                    self.source.slug,
                    "Generated.",
                    "2024-01-03",
                    "normal",
                    "",
                    "",
                ]
                for n in range(count)
            ]
        return [
            [
                f"{self.tag}-{n}",
                f"Generated statistic {n}",
                "REF",
                "conflict",
                "stock",
                "",
                1000 + n,
                "about",
                "",
                "",
                "country",
                "UA",
                "",
                "country",
                "PL",
                "",
                "2024-01-01",
                "",
                "",
                "",
                "",
                "",
                self.organization.slug,
                self.source.slug,
                "Generated.",
                "normal",
                "",
            ]
            for n in range(count)
        ]

    def remove(self):
        """Every row this run created (derived data is refreshed by services only, and nothing here
        needs it; the page cache is invalidated once)."""
        prefix = f"{self.tag}-"
        with transaction.atomic(), invalidation_deferred():
            Figure.objects.filter(public_id__startswith=prefix).delete()
            Figure.history.filter(public_id__startswith=prefix).delete()
            DisplacementStatistic.objects.filter(public_id__startswith=prefix).delete()
            DisplacementStatistic.history.filter(public_id__startswith=prefix).delete()
            Event.objects.filter(public_id__startswith=prefix).delete()
            Event.history.filter(public_id__startswith=prefix).delete()
            LogEntry.objects.filter(user=self.user).delete()
            if getattr(self, "session", None) is not None:
                self.session.delete()
            for obj in (self.user, self.source, self.organization, self.measure, self.event_type):
                obj.delete()
            self.event_type.category.delete()


def encode(columns, rows, fmt):
    if fmt == "csv":
        lines = [",".join(columns)] + [",".join(str(cell) for cell in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(columns)
    for row in rows:
        sheet.append([cell if cell != "" else None for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(client, kind, fixture, count, fmt):
    """(dry-run seconds, confirm seconds) of one file through the admin."""
    path = "/admin/events/figure/" if kind == "figures" else "/admin/displacement/displacementstatistic/"
    columns = FIGURE_COLUMNS if kind == "figures" else STATISTIC_COLUMNS
    data = encode(columns, fixture.rows(kind, count), fmt)
    upload = io.BytesIO(data)
    upload.name = f"bench.{fmt}"
    started = time.perf_counter()
    preview = client.post(
        f"{path}import/", {"import_file": upload, "format": "0" if fmt == "csv" else "1"}, secure=True
    )
    dry = time.perf_counter() - started
    confirm = dict(HIDDEN.findall(preview.content.decode()))
    if "import_file_name" not in confirm:
        text = " ".join(re.sub(r"<[^>]+>", " ", preview.content.decode()).split())
        raise SystemExit(f"the dry run of {kind} refused the file ({preview.status_code}): {text[-3000:]}")
    started = time.perf_counter()
    done = client.post(f"{path}process_import/", confirm, secure=True)
    wet = time.perf_counter() - started
    if done.status_code != 302:
        raise SystemExit(f"the confirm of {kind} failed ({done.status_code})")
    return dry, wet, len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--kinds", nargs="+", choices=["figures", "statistics"], default=["figures", "statistics"])
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    # The admin pages name static files; the manifest storage would need collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)
    print(f"database: {connection.vendor}; {args.rows} rows per file, {args.format}")
    print(f"{'kind':<11} {'file':>9} {'dry run s':>10} {'rows/s':>8} {'confirm s':>10} {'rows/s':>8}")
    fixture = Fixture()
    try:
        client = fixture.signed_in_client()
        for kind in args.kinds:
            dry, wet, size = run(client, kind, fixture, args.rows, args.format)
            rates = f"{dry:>10.2f} {args.rows / dry:>8.0f} {wet:>10.2f} {args.rows / wet:>8.0f}"
            print(f"{kind:<11} {size / 1024:>7.0f}KB {rates}")
    finally:
        fixture.remove()


if __name__ == "__main__":
    main()
