"""Synthetic load-test data: deterministic, labelled, removable, never part of the demo."""

from pathlib import Path

from django.core.management import call_command

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.sources.models import Source

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
synthetic = SyntheticIdRange.objects.rows


def synthetic_snapshot():
    return list(synthetic(Event).order_by("public_id").values_list("public_id", "title", "start_date"))


def test_generate_makes_labelled_published_rows_with_realistic_spreads(demo_content):
    call_command("generate_synthetic", events=120, actors=30, organizations=10, verbosity=0)

    events = synthetic(Event)
    assert events.count() == 120
    assert set(events.values_list("status", flat=True)) == {"published"}
    assert synthetic(DisplacementStatistic).count() == 60
    per_event = Figure.objects.filter(SyntheticIdRange.objects.covering(Event, "event_id")).count() / 120
    assert 1 <= per_event <= 5
    assert 1 <= Participation.objects.filter(SyntheticIdRange.objects.covering(Event, "event_id")).count() / 120 <= 4
    assert synthetic(Actor).count() == 30
    assert all(title.startswith("Synthetic source") for title in synthetic(Source).values_list("title", flat=True))
    assert events.dates("start_date", "year").count() >= 10


def test_exactly_the_generated_rows_are_recorded_and_each_says_synthetic_to_a_reader(demo_content):
    call_command("generate_synthetic", events=40, actors=10, organizations=5, verbosity=0)

    for model, label in [
        (Event, "title"),
        (DisplacementStatistic, "title"),
        (Source, "title"),
        (Actor, "name"),
        (Organization, "name"),
    ]:
        labelled = model.objects.filter(**{f"{label}__startswith": "Synthetic "})
        assert set(synthetic(model)) == set(labelled), model
        assert synthetic(model).exists(), model


def test_the_same_seed_gives_the_same_data(demo_content):
    call_command("generate_synthetic", events=40, actors=10, organizations=5, verbosity=0)
    first = synthetic_snapshot()
    call_command("remove_synthetic", verbosity=0)
    call_command("generate_synthetic", events=40, actors=10, organizations=5, verbosity=0)

    assert synthetic_snapshot() == first


def test_a_larger_number_adds_the_difference(demo_content):
    call_command("generate_synthetic", events=30, actors=10, organizations=5, verbosity=0)

    call_command("generate_synthetic", events=45, actors=10, organizations=5, verbosity=0)

    assert synthetic(Event).count() == 45
    assert synthetic(Actor).count() == 10


def test_remove_synthetic_leaves_real_data_untouched(demo_content):
    real = (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Organization.objects.count())
    call_command("generate_synthetic", events=50, actors=10, organizations=5, verbosity=0)

    call_command("remove_synthetic", verbosity=0)

    assert (Event.objects.count(), Figure.objects.count(), Actor.objects.count(), Organization.objects.count()) == real
    assert not Source.objects.filter(title__startswith="Synthetic").exists()
    assert not SyntheticIdRange.objects.exists()


def test_synthetic_data_is_searchable_and_filterable_like_real_data(client, demo_content):
    call_command("generate_synthetic", events=30, actors=10, organizations=5, verbosity=0)

    response = client.get("/events/?q=synthetic")

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 30


def test_synthetic_actors_and_organisations_are_found_by_name_and_alias_like_real_ones(client, demo_content):
    call_command("generate_synthetic", events=10, actors=20, organizations=5, verbosity=0)
    aliased = synthetic(Actor).order_by("pk").first()

    assert client.get("/actors/", {"q": "SYNTHETIC ACTOR"}).context["page_obj"].paginator.count == 20
    assert list(Actor.objects.search(f"{aliased.name} ALIAS")) == [aliased]
    assert client.get("/organizations/", {"q": "synthetic organisation"}).context["page_obj"].paginator.count == 5


def test_dry_run_writes_nothing(demo_content):
    call_command("generate_synthetic", events=10, dry_run=True, verbosity=0)

    assert not SyntheticIdRange.objects.exists()
    assert not Event.objects.filter(title__startswith="Synthetic").exists()


def test_no_fixture_contains_synthetic_rows():
    for path in FIXTURES.glob("*.json"):
        assert "synthetic" not in path.read_text(encoding="utf-8").lower(), path


def test_the_demo_loader_brings_no_synthetic_rows(demo_content):
    assert not SyntheticIdRange.objects.exists()
    assert not Event.objects.filter(title__istartswith="synthetic").exists()
    assert not Actor.objects.filter(name__istartswith="synthetic").exists()


def test_the_number_of_statistics_can_be_chosen_apart_from_the_events(demo_content):
    call_command("generate_synthetic", events=30, statistics=7, actors=10, organizations=5, verbosity=0)

    assert synthetic(Event).count() == 30
    assert synthetic(DisplacementStatistic).count() == 7
