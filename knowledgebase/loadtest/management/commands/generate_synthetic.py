"""Generate labelled synthetic data for load tests (never for the demo)."""

from django.core.management.base import BaseCommand, CommandError

from knowledgebase.loadtest.synthetic import Generator, Sizes


class Command(BaseCommand):
    help = (
        "Create N published synthetic events (1-5 figures and 1-4 participants each, ~20 countries, dates over "
        "2014-2025), ~1,000 actors, ~200 organisations and N/2 displacement statistics (or --statistics), all "
        "marked synthetic. "
        "Deterministic for a given --seed; running again with a larger N adds the difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, required=True, help="How many synthetic events in all.")
        parser.add_argument("--seed", type=int, default=20240103, help="Random seed (same seed, same data).")
        parser.add_argument("--statistics", type=int, help="How many synthetic statistics in all (default N/2).")
        parser.add_argument("--actors", type=int, default=1000)
        parser.add_argument("--organizations", type=int, default=200)
        parser.add_argument("--dry-run", action="store_true", help="Say what would be made, write nothing.")

    def handle(self, *args, events, seed, actors, organizations, statistics=None, dry_run=False, **options):
        if events < 0 or (statistics is not None and statistics < 0):
            raise CommandError("--events and --statistics must be zero or more.")
        sizes = Sizes(events=events, actors=actors, organizations=organizations, statistic_count=statistics)
        if dry_run:
            self.stdout.write(
                f"Would make {sizes.events:,} events, {sizes.statistics:,} statistics, {sizes.actors:,} actors, "
                f"{sizes.organizations:,} organisations, {sizes.sources:,} sources (all synthetic)."
            )
            return
        try:
            Generator(sizes, seed=seed, log=lambda message: self.stdout.write(f"  {message}")).run()
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Synthetic data ready: {sizes.events:,} events (seed {seed})."))
