"""The demo loader: the seed's content as make demo loads it, into an empty database or one that has
rows, and twice without change."""

import json
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.conf import settings

from knowledgebase.actors.models import Actor
from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.core.workflow_groups import domain_apps
from knowledgebase.events.models import Event, EventType
from knowledgebase.sources.models import Source
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE
from tests.core.test_create_demo_accounts import run
from tests.factories import (
    ActorFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    SourceFactory,
    StatisticFactory,
    ThemeFactory,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def domain_models():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in domain_apps()]


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in domain_models()}


# Timestamps are compared by their own test below; snapshot() leaves them out.
TIMESTAMPS = {"created_at", "updated_at", "first_published_at"}


def snapshot():
    """Every domain row's stored values, timestamps left out (and the ids of many-to-many links, which
    loaddata replaces with equal links)."""
    rows = {}
    for model in domain_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if field.name not in TIMESTAMPS and not (model._meta.auto_created and field.primary_key)
        ]
        rows[model._meta.label] = sorted(model._default_manager.values_list(*names), key=repr)
    return rows


def fixture_counts():
    counts = Counter()
    for name in ("reference", "demo"):
        for obj in json.loads((FIXTURES / f"{name}.json").read_text()):
            counts[apps.get_model(obj["model"])._meta.label] += 1
    return counts


def test_load_demo_loads_every_fixture_row_and_stamps_published_records(db):
    before = row_counts()

    run("load_demo")

    after = row_counts()
    for model_label, count in fixture_counts().items():
        assert after[model_label] - before[model_label] == count, model_label
    assert Event.objects.get(public_id=JAN_2024_EXCHANGE).first_published_at is not None
    assert Event.objects.get(public_id=DRAFT_EVENT).status == PublicationStatus.DRAFT
    assert Event.objects.get(public_id=DRAFT_EVENT).first_published_at is None
    for model in apps.get_models():
        if issubclass(model, Publishable):
            assert not model.objects.published().filter(first_published_at__isnull=True).exists(), model


def test_loading_the_demo_twice_changes_nothing(db):
    run("load_demo")
    counts, rows = row_counts(), snapshot()

    run("load_demo")

    assert row_counts() == counts
    assert snapshot() == rows


def test_loading_the_demo_twice_keeps_publication_and_creation_times(db):
    run("load_demo")
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    actor = Actor.objects.get(slug="viktor-medvedchuk")

    run("load_demo")

    assert Event.objects.get(pk=event.pk).first_published_at == event.first_published_at
    assert Event.objects.get(pk=event.pk).created_at == event.created_at
    assert Actor.objects.get(pk=actor.pk).created_at == actor.created_at


def test_load_demo_adds_to_a_database_that_already_has_rows(db):
    existing = [
        ThemeFactory(slug="local-theme"),
        EventTypeFactory(slug="local-type"),
        ActorFactory(slug="local-actor"),
        SourceFactory(slug="local-source"),
        EventFactory(published=True),
        FigureFactory(),
        StatisticFactory(published=True),
    ]
    before = {obj: type(obj).objects.values().get(pk=obj.pk) for obj in existing}
    counts = row_counts()

    run("load_demo")

    for obj, values in before.items():
        assert type(obj).objects.values().get(pk=obj.pk) == values, obj
    after = row_counts()
    for model_label, count in fixture_counts().items():
        assert after[model_label] == counts[model_label] + count, model_label
    assert Event.objects.filter(public_id=JAN_2024_EXCHANGE).exists()
    assert Source.objects.filter(slug="local-source").exists()


def test_load_demo_reference_only_loads_the_taxonomies_and_no_content(db):
    run("load_demo", "--reference-only")

    assert EventType.objects.filter(slug="prisoner-exchange").exists()
    assert not Event.objects.exists()
    assert not Actor.objects.exists()
