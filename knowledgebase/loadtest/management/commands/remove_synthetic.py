"""Remove every synthetic row, leaving real data untouched."""

from django.core.management.base import BaseCommand, CommandError

from knowledgebase.events.models import Event
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.loadtest.removal import ProtectedRowsError, remove_synthetic


class Command(BaseCommand):
    help = "Delete all synthetic events, statistics, actors, organisations and sources, and what belongs to them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would go, delete nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = SyntheticIdRange.objects.rows(Event).count()
            self.stdout.write(f"Would remove {count:,} synthetic events and everything synthetic with them.")
            return
        try:
            counts = remove_synthetic()
        except ProtectedRowsError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            self.stdout.write(f"  {label}: {count:,}")
        self.stdout.write(self.style.SUCCESS("Synthetic data removed."))
