"""How numbers and claims read on the site (knowledgebase.presentation.formatting), without the database."""

from dataclasses import dataclass

import pytest

from knowledgebase.presentation.formatting import number, stated_value


@dataclass
class Claim:
    value: int
    qualifier: str = "exact"
    low: int | None = None
    high: int | None = None


@pytest.mark.parametrize(("value", "text"), [(None, ""), (0, "0"), (230, "230"), (110_000_000, "110,000,000")])
def test_numbers_have_thousands_separators_and_none_is_blank(value, text):
    assert number(value) == text


@pytest.mark.parametrize(
    ("qualifier", "text"),
    [
        ("exact", "1,230"),
        ("more-than", "more than 1,230"),
        ("at-least", "at least 1,230"),
        ("less-than", "less than 1,230"),
        ("up-to", "up to 1,230"),
        ("about", "about 1,230"),
        ("unheard-of", "1,230"),
    ],
)
def test_a_claim_reads_as_its_source_states_it(qualifier, text):
    assert stated_value(Claim(1230, qualifier)) == text


def test_stated_bounds_follow_the_value():
    assert stated_value(Claim(110_000_000, "about", 100_000_000, 120_000_000)) == (
        "about 110,000,000 (100,000,000–120,000,000)"
    )


def test_a_bound_the_source_does_not_state_is_an_ellipsis():
    assert stated_value(Claim(215, "about", low=200)) == "about 215 (200–…)"
    assert stated_value(Claim(200, "at-least", high=1250)) == "at least 200 (…–1,250)"


def test_a_bound_of_zero_is_stated():
    assert stated_value(Claim(5, "up-to", low=0)) == "up to 5 (0–…)"
