"""The load-test app's data migration: rows marked synthetic before its table existed get recorded."""

import importlib

from django.apps import apps
from django.core.management import call_command

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.sources.models import Source

MARKED = [Event, DisplacementStatistic, Source, Actor, Organization]
migration = importlib.import_module("knowledgebase.loadtest.migrations.0002_record_earlier_synthetic_rows")


def test_rows_made_by_the_generator_before_the_side_table_are_recorded_and_real_ones_are_not(demo_content):
    call_command("generate_synthetic", events=15, actors=10, organizations=5, verbosity=0)
    recorded = {model: set(SyntheticIdRange.objects.rows(model)) for model in MARKED}
    SyntheticIdRange.objects.all().delete()
    lookalike = Actor.objects.create(name="Synthetic actor 99", slug="an-actor-about-synthetics")

    migration.record_earlier_synthetic_rows(apps, schema_editor=None)

    assert {model: set(SyntheticIdRange.objects.rows(model)) for model in MARKED} == recorded
    assert lookalike not in SyntheticIdRange.objects.rows(Actor)
