"""Row invariants of displacement statistics, on both paths: model validation and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.constraints import assert_accepted, assert_refused, create_like
from tests.factories import OrganizationFactory, SourceFactory, StatisticFactory, country


def statistic(**fields):
    """An unsaved, valid statistic (refugees worldwide, as of a date) whose related rows exist."""
    return StatisticFactory.build(
        **{"claimant_organization": OrganizationFactory(), "source": SourceFactory(), **fields}
    )


def test_a_valid_statistic_is_accepted(db):
    assert_accepted(statistic())


@pytest.mark.parametrize("side", ["origin", "host"])
def test_country_scope_names_the_country(db, side):
    assert_refused(
        statistic(**{f"{side}_scope": "country", f"{side}_country": None}),
        "Choose the country, or change the scope.",
        constraint=f"statistic_{side}_country_given",
    )
    assert_accepted(statistic(**{f"{side}_scope": "country", f"{side}_country": country("UA")}))


@pytest.mark.parametrize("side", ["origin", "host"])
def test_region_scope_names_the_region(db, side):
    assert_refused(
        statistic(**{f"{side}_scope": "region", f"{side}_region": ""}),
        "Name the region, or change the scope.",
        constraint=f"statistic_{side}_region_given",
    )
    assert_accepted(statistic(**{f"{side}_scope": "region", f"{side}_region": "Sahel"}))


def test_period_cannot_end_before_it_starts(db):
    assert_refused(
        statistic(
            measurement="flow",
            period_start=datetime.date(2023, 1, 1),
            period_end=datetime.date(2022, 12, 31),
        ),
        "The period cannot end before it starts.",
        constraint="statistic_period_end_not_before_start",
    )


def test_period_may_be_a_single_day_or_open(db):
    day = datetime.date(2023, 6, 30)

    assert_accepted(statistic(measurement="flow", period_start=day, period_end=day))
    assert_accepted(statistic(measurement="flow", period_start=day, period_end=None))


def test_statistic_public_id_is_unique(db):
    existing = StatisticFactory()

    with pytest.raises(ValidationError) as excinfo:
        statistic(public_id=existing.public_id).full_clean()
    with pytest.raises(IntegrityError):
        create_like(statistic(public_id=existing.public_id))

    assert "public_id" in excinfo.value.message_dict


def test_a_stock_has_no_rate(db):
    with pytest.raises(ValidationError) as excinfo:
        statistic(measurement="stock", rate_period="year").full_clean()

    assert "rate_period" in excinfo.value.message_dict


def test_a_statistic_says_as_of_when(db):
    with pytest.raises(ValidationError) as excinfo:
        statistic(as_of_date=None, period_end=None, as_of_note="").full_clean()

    assert "as_of_note" in excinfo.value.message_dict
    assert_accepted(statistic(as_of_date=None, as_of_note="Undated page: 'currently'."))
