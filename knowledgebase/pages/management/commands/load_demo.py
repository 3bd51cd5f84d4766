"""Load the reference data and the seed's demo content, then derive what fixtures cannot carry."""

import json

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.actors.services import actors_refresh_search_names, organizations_refresh_search_names
from knowledgebase.briefs.models import Brief
from knowledgebase.briefs.services import briefs_refresh_search_documents
from knowledgebase.core.changelog import BASELINE_REASON
from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.events.models import Event
from knowledgebase.events.services import (
    events_refresh_country_codes,
    events_refresh_dispute_flags,
    events_refresh_exchange_summaries,
    events_refresh_export_cells,
    events_refresh_search_documents,
    events_refresh_theme_keys,
)

FIXTURES = ["reference", "demo"]
STAMP_FIELDS = ["created_at", "updated_at", "first_published_at"]


class Command(BaseCommand):
    help = (
        "Load fixtures/reference.json and fixtures/demo.json (by natural keys, so it is safe on a database "
        "that already has rows, and loading twice changes nothing), then stamp publication times and "
        "rebuild search documents, the names actors and organisations are found by, and dispute flags."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reference-only", action="store_true", help="Load only the taxonomies and IHL provisions."
        )

    @transaction.atomic
    def handle(self, *args, reference_only=False, **options):
        fixtures = FIXTURES[:1] if reference_only else FIXTURES
        rows = [row for name in fixtures for row in self.fixture_rows(name)]
        kept = self.existing_timestamps(rows)
        call_command("loaddata", *fixtures, verbosity=0)
        for model, stamped_rows in kept.items():
            for pk, stamps in stamped_rows.items():
                model.objects.filter(pk=pk).update(**stamps)
        # Only the rows the fixtures hold are derived again: a database that also holds other
        # (or a million synthetic) records is not rewritten row by row.
        loaded = self.loaded_querysets(rows)
        stamped = self.stamp_first_published()
        self.record_baseline_revisions(loaded)
        actors_refresh_search_names(actors=loaded.get(Actor, Actor.objects.none()))
        organizations_refresh_search_names(organizations=loaded.get(Organization, Organization.objects.none()))
        events = loaded.get(Event, Event.objects.none())
        refreshed = events_refresh_search_documents(events=events)
        disputed = events_refresh_dispute_flags(event_ids=events.values_list("pk", flat=True))
        # A fixture row saved again over its event carries no codes; the relation, set unchanged, says nothing.
        events_refresh_country_codes(event_ids=events.values_list("pk", flat=True))
        events_refresh_theme_keys(event_ids=events.values_list("pk", flat=True))
        events_refresh_exchange_summaries(event_ids=events.values_list("pk", flat=True))
        events_refresh_export_cells(event_ids=events.values_list("pk", flat=True))
        briefs_refresh_search_documents(briefs=loaded.get(Brief, Brief.objects.none()))
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {', '.join(fixtures)}: {refreshed} events indexed, {len(disputed)} with disputed figures, "
                f"{stamped} records stamped as published."
            )
        )

    @staticmethod
    def fixture_rows(name):
        """(model, natural key field, key value) of each row of a fixture that has a natural key."""
        for row in json.loads((settings.BASE_DIR / "fixtures" / f"{name}.json").read_text(encoding="utf-8")):
            key = next((k for k in ("public_id", "slug") if k in row["fields"]), None)
            if key is not None:
                yield apps.get_model(row["model"]), key, row["fields"][key]

    @staticmethod
    def loaded_querysets(rows):
        """{model: queryset of the rows the fixtures hold}."""
        keys = {}
        for model, key, value in rows:
            keys.setdefault((model, key), []).append(value)
        return {model: model.objects.filter(**{f"{key}__in": values}) for (model, key), values in keys.items()}

    def existing_timestamps(self, rows):
        """Creation, change and publication times of rows the fixtures will overwrite, to put back after:
        loading the demo again must not make old records look new."""
        kept = {}
        for model, key, value in rows:
            stamp_fields = [f for f in STAMP_FIELDS if any(field.name == f for field in model._meta.fields)]
            if not stamp_fields:
                continue
            found = model.objects.filter(**{key: value}).values("pk", *stamp_fields).first()
            if found:
                kept.setdefault(model, {})[found.pop("pk")] = found
        return kept

    def record_baseline_revisions(self, loaded):
        """Fixtures load without revisions; give each loaded row a first one, so later edits have a base to diff."""
        for model, queryset in loaded.items():
            manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
            if manager_name is None:
                continue
            history = getattr(model, manager_name)
            missing = list(queryset.exclude(pk__in=history.filter(id__in=queryset.values("pk")).values("id")))
            history.bulk_history_create(missing, default_change_reason=BASELINE_REASON)

    def stamp_first_published(self):
        now = timezone.now()
        stamped = 0
        for model in apps.get_models():
            if issubclass(model, Publishable):
                stamped += model.objects.filter(
                    status=PublicationStatus.PUBLISHED, first_published_at__isnull=True
                ).update(first_published_at=now)
        return stamped
