"""The rules every attributed value keeps (sources.models.attributed_value_constraints), on each model that
has them, figures and displacement statistics alike, on both paths: model validation and the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.constraints import assert_accepted, assert_refused, create_like
from tests.factories import (
    ActorFactory,
    EventFactory,
    FigureFactory,
    MeasureFactory,
    OrganizationFactory,
    SourceFactory,
    StatisticFactory,
)


def figure(**fields):
    """An unsaved, valid figure whose related rows exist."""
    defaults = {"event": EventFactory(), "measure": MeasureFactory(), "claimant_actor": ActorFactory()}
    return FigureFactory.build(**{**defaults, "source": SourceFactory(), **fields})


def statistic(**fields):
    """An unsaved, valid statistic (refugees worldwide, as of a date) whose related rows exist."""
    return StatisticFactory.build(
        **{"claimant_organization": OrganizationFactory(), "source": SourceFactory(), **fields}
    )


KINDS = [pytest.param(figure, "figure", id="figure"), pytest.param(statistic, "statistic", id="statistic")]


@pytest.mark.parametrize(("build", "prefix"), KINDS)
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"value": -1}, "value", "A count cannot be negative."),
        ({"value": 0, "low": -1}, "low", "A bound cannot be negative."),
    ],
)
def test_a_number_cannot_be_negative(db, build, prefix, fields, field, message):
    negative = build(**fields)

    with pytest.raises(ValidationError) as field_error:
        negative.full_clean()
    with pytest.raises(ValidationError) as constraint_error:
        negative.validate_constraints()
    with pytest.raises(IntegrityError):
        create_like(negative)

    assert field in field_error.value.message_dict
    assert message in constraint_error.value.messages


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_the_low_bound_cannot_exceed_the_value(db, build, prefix):
    assert_refused(
        build(value=200, low=230),
        "The low bound cannot be greater than the value.",
        constraint=f"{prefix}_low_not_above_value",
    )


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_the_high_bound_cannot_be_below_the_value(db, build, prefix):
    assert_refused(
        build(value=230, high=200),
        "The high bound cannot be less than the value.",
        constraint=f"{prefix}_high_not_below_value",
    )


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_the_low_bound_cannot_exceed_the_high_bound(db, build, prefix):
    assert_refused(build(value=100, low=150, high=120), "The low bound cannot be greater than the high bound.")


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_bounds_may_equal_the_value(db, build, prefix):
    assert_accepted(build(value=230, low=230, high=230))
    assert_accepted(build(value=200, low=173, high=230))


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_one_claimant_not_two(db, build, prefix):
    assert_refused(
        build(claimant_actor=ActorFactory(), claimant_organization=OrganizationFactory()),
        "Say who claims the number: one actor or one organisation, not both.",
        constraint=f"{prefix}_one_claimant",
    )


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_someone_claims_the_number(db, build, prefix):
    assert_refused(
        build(claimant_actor=None, claimant_organization=None),
        "Say who claims the number: one actor or one organisation.",
        field="claimant_actor",
        constraint=f"{prefix}_one_claimant",
    )


@pytest.mark.parametrize(("build", "prefix"), KINDS)
def test_an_actor_or_an_organisation_may_claim_it(db, build, prefix):
    assert_accepted(build(claimant_actor=None, claimant_organization=OrganizationFactory()))
    assert_accepted(build(claimant_actor=ActorFactory(), claimant_organization=None))


@pytest.mark.parametrize(("build", "prefix"), KINDS)
@pytest.mark.parametrize("rank", ["preferred", "deprecated"])
def test_a_ranked_claim_gives_the_reason(db, build, prefix, rank):
    assert_refused(
        build(rank=rank, rank_reason=""),
        "A preferred or deprecated claim needs the reason for its rank.",
        constraint=f"{prefix}_rank_has_reason",
    )
    assert_accepted(build(rank=rank, rank_reason="The ombudsman's final count."))
