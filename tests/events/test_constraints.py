"""Row invariants of events, participations, citations, measures, figures and breakdowns.

Each constraint is checked on both paths: ``full_clean()`` raises ValidationError with the
constraint's message (what the admin shows), and ``objects.create()`` with the same values is
refused by the database.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from pytest_django.asserts import assertContains

from knowledgebase.events.models import EventCategory, EventType, Figure, FigureBreakdown, Measure
from tests.constraints import assert_accepted, assert_refused, create_like
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventCategoryFactory,
    EventFactory,
    EventTypeFactory,
    FigureBreakdownFactory,
    FigureFactory,
    MeasureFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    country,
)

# EventFactory lacks `skip_postgeneration_save = True`, so factory_boy warns on every event it
# creates (reported; tests/factories.py is shared and its existing factories are not changed here).

DAY = datetime.date(2024, 1, 3)


def event(**fields):
    """An unsaved, valid event."""
    return EventFactory.build(**{"event_type": EventTypeFactory(), **fields})


def figure(**fields):
    """An unsaved, valid figure whose related rows exist."""
    defaults = {
        "event": EventFactory(),
        "measure": MeasureFactory(),
        "claimant_actor": ActorFactory(),
        "source": SourceFactory(),
    }
    return FigureFactory.build(**{**defaults, **fields})


# --- events ---------------------------------------------------------------------------------------


def test_event_cannot_end_before_it_starts(db):
    assert_refused(
        event(start_date=DAY, end_date=DAY - datetime.timedelta(days=1)),
        "The end date cannot be before the start date.",
        constraint="event_end_not_before_start",
    )


def test_event_may_end_the_day_it_starts_or_have_no_end(db):
    assert_accepted(event(start_date=DAY, end_date=DAY))
    assert_accepted(event(start_date=DAY, end_date=None))


COORDINATES_MESSAGE = "Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."


@pytest.mark.parametrize(("latitude", "longitude"), [(91, 30), (-90.5, 30), (48, 180.5), (48, -181)])
def test_event_coordinates_must_be_on_the_globe(db, latitude, longitude):
    assert_refused(
        event(latitude=latitude, longitude=longitude),
        COORDINATES_MESSAGE,
        constraint="event_coordinates_valid",
    )


def test_event_coordinates_at_the_edges_of_the_globe_are_accepted(db):
    assert_accepted(event(latitude=90, longitude=-180))
    assert_accepted(event(latitude=-90, longitude=180))


def test_event_with_half_a_coordinate_pair_fails_model_validation(db):
    with pytest.raises(ValidationError) as excinfo:
        event(latitude=47.1, longitude=None).full_clean()

    assert "Give both latitude and longitude, or neither." in excinfo.value.messages


@pytest.mark.parametrize(("latitude", "longitude"), [(47.1, None), (None, 37.5)])
def test_database_refuses_half_a_coordinate_pair(db, latitude, longitude):
    with pytest.raises(IntegrityError):
        create_like(event(latitude=latitude, longitude=longitude))


def test_event_acled_id_is_unique(db):
    EventFactory(acled_event_id="UKR123")

    assert_refused(event(acled_event_id="UKR123"), "Another event already has this ACLED event id.")


def test_event_wikidata_qid_is_unique(db):
    EventFactory(wikidata_qid="Q123")

    assert_refused(event(wikidata_qid="Q123"), "Another event already has this Wikidata QID.")


def test_many_events_may_have_no_external_ids(db):
    EventFactory(acled_event_id="", wikidata_qid="")

    assert_accepted(event(acled_event_id="", wikidata_qid=""))


def test_event_slug_is_unique(db):
    EventFactory(slug="exchange")

    assert_refused(event(slug="exchange"), "Event with this Slug already exists.", field="slug")


def test_event_public_id_is_unique(db):
    existing = EventFactory()

    with pytest.raises(ValidationError) as excinfo:
        event(public_id=existing.public_id).full_clean()
    with pytest.raises(IntegrityError):
        create_like(event(public_id=existing.public_id))

    assert "public_id" in excinfo.value.message_dict


def test_events_get_distinct_public_ids(db):
    assert EventFactory().public_id != EventFactory().public_id


@pytest.mark.parametrize(
    ("factory", "model"),
    [(EventCategoryFactory, EventCategory), (EventTypeFactory, EventType), (MeasureFactory, Measure)],
    ids=["category", "type", "measure"],
)
def test_taxonomy_slugs_are_unique(db, factory, model):
    existing = factory()
    duplicate = factory.build(slug=existing.slug)
    if model is EventType:
        duplicate.category = existing.category

    assert_refused(duplicate, f"{model._meta.verbose_name.capitalize()} with this Slug already exists.", field="slug")


def test_measure_of_people_returned_names_the_country(db):
    assert_refused(
        MeasureFactory.build(kind="returned", country=None),
        "Say which country the people returned to.",
        constraint="measure_returned_has_country",
    )
    assert_accepted(MeasureFactory.build(kind="returned", country=country("UA")))


# --- participations and citations ----------------------------------------------------------------


def test_participation_has_an_actor_or_an_organisation_not_both(db):
    assert_refused(
        ParticipationFactory.build(event=EventFactory(), actor=ActorFactory(), organization=OrganizationFactory()),
        "Choose an actor or an organisation, not both.",
        constraint="participation_one_participant",
    )


def test_participation_needs_a_participant(db):
    assert_refused(
        ParticipationFactory.build(event=EventFactory(), actor=None, organization=None),
        "Choose an actor or an organisation, not both.",
        constraint="participation_one_participant",
    )


def test_actor_has_each_role_once_per_event(db):
    existing = ParticipationFactory(role="party")

    assert_refused(
        ParticipationFactory.build(event=existing.event, actor=existing.actor, role="party"),
        "This actor already has this role in the event.",
    )
    assert_accepted(ParticipationFactory.build(event=existing.event, actor=existing.actor, role="announcer"))


def test_organisation_has_each_role_once_per_event(db):
    existing = ParticipationFactory(actor=None, organization=OrganizationFactory(), role="mediator")

    assert_refused(
        ParticipationFactory.build(
            event=existing.event, actor=None, organization=existing.organization, role="mediator"
        ),
        "This organisation already has this role in the event.",
    )


def test_source_is_cited_once_per_event(db):
    existing = CitationFactory()

    assert_refused(
        CitationFactory.build(event=existing.event, source=existing.source),
        "This source is already cited for this event.",
    )
    assert_accepted(CitationFactory.build(event=EventFactory(), source=existing.source))


# --- figures ---------------------------------------------------------------------------------------


def test_one_preferred_figure_per_event_and_measure(db):
    preferred = FigureFactory(rank="preferred", rank_reason="Official count.")

    assert_refused(
        figure(event=preferred.event, measure=preferred.measure, rank="preferred", rank_reason="Also official."),
        "Another figure for this measure is already preferred.",
    )


def test_other_ranks_and_other_measures_do_not_clash_with_the_preferred_figure(db):
    preferred = FigureFactory(rank="preferred", rank_reason="Official count.")

    assert_accepted(figure(event=preferred.event, measure=preferred.measure, rank="normal"))
    assert_accepted(
        figure(event=preferred.event, measure=preferred.measure, rank="deprecated", rank_reason="Superseded.")
    )
    assert_accepted(figure(event=preferred.event, measure=MeasureFactory(), rank="preferred", rank_reason="Best."))


def test_figure_public_id_is_unique(db):
    existing = FigureFactory()

    with pytest.raises(ValidationError) as excinfo:
        figure(public_id=existing.public_id).full_clean()
    with pytest.raises(IntegrityError):
        create_like(figure(public_id=existing.public_id))

    assert "public_id" in excinfo.value.message_dict


def figure_admin_data(figure, breakdowns=(), **changes):
    """The Figure admin form as a browser posts it, with breakdown rows (dicts, ``id`` for existing ones)."""
    data = {
        "event": figure.event_id,
        "measure": figure.measure_id,
        "value": figure.value,
        "qualifier": figure.qualifier,
        "low": figure.low or "",
        "high": figure.high or "",
        "claimant_actor": figure.claimant_actor_id or "",
        "claimant_organization": figure.claimant_organization_id or "",
        "source": figure.source_id,
        "as_of_date": "",
        "excerpt": figure.excerpt,
        "rank": figure.rank,
        "rank_reason": figure.rank_reason,
        "note": figure.note,
        "breakdowns-TOTAL_FORMS": len(breakdowns),
        "breakdowns-INITIAL_FORMS": sum(1 for row in breakdowns if "id" in row),
        "breakdowns-MIN_NUM_FORMS": 0,
        "breakdowns-MAX_NUM_FORMS": 1000,
        **changes,
    }
    for index, row in enumerate(breakdowns):
        for name, value in {**row, "figure": figure.pk or ""}.items():
            data[f"breakdowns-{index}-{name}"] = value
    return data


def test_admin_figure_form_refuses_a_low_bound_above_the_high_bound(reviewer_client):
    unsaved = figure()

    response = reviewer_client.post(
        reverse("admin:events_figure_add"), figure_admin_data(unsaved, value=100, low=150, high=120)
    )

    assert response.status_code == 200
    assertContains(response, "The low bound cannot be greater than the high bound.")
    assert not Figure.objects.exists()


def test_admin_figure_form_accepts_bounds_around_the_value(reviewer_client):
    unsaved = figure()

    response = reviewer_client.post(
        reverse("admin:events_figure_add"), figure_admin_data(unsaved, value=200, low=173, high=230)
    )

    assert response.status_code == 302
    assert Figure.objects.get().low == 173


# --- breakdowns -------------------------------------------------------------------------------------


def test_breakdown_category_is_given_once_per_figure(db):
    existing = FigureBreakdownFactory(figure=FigureFactory(value=230), category="civilian", value=10)

    assert_refused(
        FigureBreakdownFactory.build(figure=existing.figure, dimension=existing.dimension, category="civilian"),
        "This category is already given for this figure.",
    )


def test_breakdown_value_cannot_be_negative(db):
    negative = FigureBreakdownFactory.build(figure=FigureFactory(), value=-1)

    with pytest.raises(ValidationError) as field_error:
        negative.full_clean()
    with pytest.raises(ValidationError) as constraint_error:
        negative.validate_constraints()
    with pytest.raises(IntegrityError):
        create_like(negative)

    assert "value" in field_error.value.message_dict
    assert "A count cannot be negative." in constraint_error.value.messages


def test_breakdowns_cannot_add_up_to_more_than_their_figure(db):
    total = FigureFactory(value=230)
    FigureBreakdownFactory(figure=total, dimension="status", category="military", value=200)

    with pytest.raises(ValidationError) as excinfo:
        FigureBreakdownFactory.build(figure=total, dimension="status", category="civilian", value=31).full_clean()

    assert excinfo.value.message_dict["value"] == [
        "The military or civilian breakdown adds up to 231, more than the figure (230)."
    ]


def test_breakdowns_may_add_up_to_their_figure_along_each_dimension(db):
    total = FigureFactory(value=230)
    FigureBreakdownFactory(figure=total, dimension="status", category="military", value=200)
    FigureBreakdownFactory(figure=total, dimension="sex", category="male", value=225)

    assert_accepted(FigureBreakdownFactory.build(figure=total, dimension="status", category="civilian", value=30))
    assert_accepted(FigureBreakdownFactory.build(figure=total, dimension="sex", category="female", value=5))


def test_changing_a_breakdown_counts_its_new_value_not_its_old_one(db):
    total = FigureFactory(value=230)
    military = FigureBreakdownFactory(figure=total, dimension="status", category="military", value=200)
    FigureBreakdownFactory(figure=total, dimension="status", category="civilian", value=30)

    military.value = 150
    military.full_clean()
    military.save()

    assert sum(total.breakdowns.values_list("value", flat=True)) == 180


def test_admin_refuses_breakdown_rows_that_add_up_to_more_than_the_figure(reviewer_client):
    total = FigureFactory(value=100)
    rows = [
        {"dimension": "sex", "category": "female", "value": 60},
        {"dimension": "sex", "category": "male", "value": 50},
    ]

    response = reviewer_client.post(
        reverse("admin:events_figure_change", args=[total.pk]), figure_admin_data(total, rows)
    )

    assert response.status_code == 200
    assertContains(response, "The sex breakdown adds up to 110, more than the figure (100).")
    assert not FigureBreakdown.objects.exists()


def test_admin_saves_breakdown_rows_that_fit_the_figure(reviewer_client):
    total = FigureFactory(value=100)
    rows = [
        {"dimension": "sex", "category": "female", "value": 60},
        {"dimension": "sex", "category": "male", "value": 40},
        {"dimension": "status", "category": "civilian", "value": 100},
    ]

    response = reviewer_client.post(
        reverse("admin:events_figure_change", args=[total.pk]), figure_admin_data(total, rows)
    )

    assert response.status_code == 302
    assert FigureBreakdown.objects.filter(figure=total).count() == 3


def test_admin_refuses_lowering_a_figure_below_its_breakdowns(reviewer_client):
    total = FigureFactory(value=100)
    female = FigureBreakdownFactory(figure=total, dimension="sex", category="female", value=60)
    rows = [{"id": female.pk, "dimension": "sex", "category": "female", "value": 60}]

    response = reviewer_client.post(
        reverse("admin:events_figure_change", args=[total.pk]), figure_admin_data(total, rows, value=50)
    )

    assert response.status_code == 200
    assertContains(response, "more than the figure (50).")
    total.refresh_from_db()
    assert total.value == 100


def test_admin_accepts_rebalancing_breakdowns_that_fit_the_figure(reviewer_client):
    total = FigureFactory(value=100)
    female = FigureBreakdownFactory(figure=total, dimension="sex", category="female", value=100)
    male = FigureBreakdownFactory(figure=total, dimension="sex", category="male", value=0)
    rows = [
        {"id": female.pk, "dimension": "sex", "category": "female", "value": 40},
        {"id": male.pk, "dimension": "sex", "category": "male", "value": 60},
    ]

    response = reviewer_client.post(
        reverse("admin:events_figure_change", args=[total.pk]), figure_admin_data(total, rows)
    )

    assert response.status_code == 302
    assert dict(FigureBreakdown.objects.values_list("category", "value")) == {"female": 40, "male": 60}


def test_figure_cannot_be_lowered_below_the_sum_of_its_breakdowns(db):
    total = FigureFactory(value=100)
    FigureBreakdownFactory(figure=total, dimension="sex", category="female", value=60)
    FigureBreakdownFactory(figure=total, dimension="sex", category="male", value=40)

    total.value = 50
    with pytest.raises(ValidationError):
        total.full_clean()
