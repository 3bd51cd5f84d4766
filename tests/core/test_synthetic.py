"""Synthetic load-test data: deterministic, labelled, removable, never part of the demo."""

import json
from pathlib import Path

from django.core.management import call_command

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.sources.models import Source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def synthetic_snapshot():
    return list(
        Event.objects.filter(is_synthetic=True).order_by("public_id").values_list("public_id", "title", "start_date")
    )


def test_generate_makes_labelled_published_rows_with_realistic_spreads(demo):
    call_command("generate_synthetic", events=120, actors=30, organizations=10, verbosity=0)

    events = Event.objects.filter(is_synthetic=True)
    assert events.count() == 120
    assert set(events.values_list("status", flat=True)) == {"published"}
    assert DisplacementStatistic.objects.filter(is_synthetic=True).count() == 60
    per_event = Figure.objects.filter(event__is_synthetic=True).count() / 120
    assert 1 <= per_event <= 5
    assert 1 <= Participation.objects.filter(event__is_synthetic=True).count() / 120 <= 4
    assert Actor.objects.filter(is_synthetic=True).count() == 30
    assert all(
        title.startswith("Synthetic source")
        for title in Source.objects.filter(is_synthetic=True).values_list("title", flat=True)
    )
    assert events.dates("start_date", "year").count() >= 10


def test_the_same_seed_gives_the_same_data(demo):
    call_command("generate_synthetic", events=40, actors=10, organizations=5, verbosity=0)
    first = synthetic_snapshot()
    call_command("remove_synthetic", verbosity=0)
    call_command("generate_synthetic", events=40, actors=10, organizations=5, verbosity=0)

    assert synthetic_snapshot() == first


def test_remove_synthetic_leaves_real_data_untouched(demo):
    real = (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Organization.objects.count())
    call_command("generate_synthetic", events=50, actors=10, organizations=5, verbosity=0)

    call_command("remove_synthetic", verbosity=0)

    assert (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Organization.objects.count()) == real
    assert not Source.objects.filter(is_synthetic=True).exists()


def test_synthetic_data_is_searchable_and_filterable_like_real_data(client, demo):
    call_command("generate_synthetic", events=30, actors=10, organizations=5, verbosity=0)

    response = client.get("/events/?q=synthetic")

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30


def test_dry_run_writes_nothing(demo):
    call_command("generate_synthetic", events=10, dry_run=True, verbosity=0)

    assert not Event.objects.filter(is_synthetic=True).exists()


def test_no_fixture_contains_synthetic_rows():
    for path in FIXTURES.glob("*.json"):
        rows = json.loads(path.read_text(encoding="utf-8"))
        assert not any(row["fields"].get("is_synthetic") for row in rows), path
        assert "synthetic" not in path.read_text(encoding="utf-8").lower(), path


def test_the_demo_loader_brings_no_synthetic_rows(demo):
    assert not Event.objects.filter(is_synthetic=True).exists()
    assert not Actor.objects.filter(is_synthetic=True).exists()
