"""The dispute arithmetic on the seed's own claims (no database)."""

from dataclasses import dataclass
from fractions import Fraction

import pytest

from knowledgebase.sources.claims import Bound, Interval, claim_interval, summarise_claims


@dataclass
class Claim:
    value: int
    qualifier: str = "exact"
    low: int | None = None
    high: int | None = None
    rank: str = "normal"


LUBINETS = Claim(230, rank="preferred")
ZELENSKY = Claim(200, "more-than")
SOME_RUSSIAN = Claim(173)
OTHER_RUSSIAN = Claim(230, "up-to")


def test_seed_returned_to_ukraine_is_disputed_with_range_173_to_230():
    summary = summarise_claims([ZELENSKY, SOME_RUSSIAN, OTHER_RUSSIAN, LUBINETS])

    assert summary.is_disputed
    assert (summary.low, summary.high) == (173, 230)
    assert summary.preferred is LUBINETS
    assert summary.claims[0] is LUBINETS


def test_over_200_and_up_to_230_do_not_contradict_230():
    summary = summarise_claims([Claim(230), ZELENSKY, OTHER_RUSSIAN])

    assert not summary.is_disputed
    assert (summary.low, summary.high) == (200, 230)
    assert summary.preferred.value == 230


def test_230_and_173_contradict():
    assert summarise_claims([Claim(230), Claim(173)]).is_disputed


def test_over_200_contradicts_173():
    assert summarise_claims([ZELENSKY, SOME_RUSSIAN]).is_disputed


def test_more_than_is_strict():
    assert summarise_claims([Claim(200, "more-than"), Claim(200)]).is_disputed
    assert not summarise_claims([Claim(200, "at-least"), Claim(200)]).is_disputed


def test_less_than_and_up_to():
    assert summarise_claims([Claim(230, "less-than"), Claim(230)]).is_disputed
    assert not summarise_claims([Claim(230, "up-to"), Claim(230)]).is_disputed


def test_about_allows_ten_percent_without_bounds():
    assert not summarise_claims([Claim(110_000_000, "about"), Claim(105_000_000)]).is_disputed
    assert summarise_claims([Claim(110_000_000, "about"), Claim(90_000_000)]).is_disputed


def test_explicit_bounds_define_the_interval_and_the_range():
    summary = summarise_claims([Claim(215, "about", low=200, high=250), Claim(240)])

    assert not summary.is_disputed
    assert (summary.low, summary.high) == (200, 250)


def test_deprecated_claims_leave_the_range_and_the_dispute():
    deprecated = Claim(173, rank="deprecated")
    summary = summarise_claims([deprecated, Claim(230)])

    assert not summary.is_disputed
    assert (summary.low, summary.high) == (230, 230)
    assert summary.claims[-1] is deprecated


def test_no_best_estimate_when_disputed_and_none_preferred():
    assert summarise_claims([Claim(230), Claim(173)]).preferred is None


def test_single_claim_is_its_own_estimate():
    only = Claim(248)
    summary = summarise_claims([only])

    assert summary.preferred is only
    assert not summary.has_range


def test_only_deprecated_claims_give_no_range():
    deprecated = Claim(1, rank="deprecated")
    summary = summarise_claims([deprecated])

    assert summary.low is None and summary.preferred is None
    assert summary.is_disputed is False
    assert summary.claims == (deprecated,)  # still listed, as the measure's history


@pytest.mark.parametrize(
    ("qualifier", "inside", "outside"),
    [("exact", 10, 11), ("more-than", 11, 10), ("at-least", 10, 9), ("less-than", 9, 10), ("up-to", 10, 11)],
)
def test_claim_interval_membership(qualifier, inside, outside):
    interval = claim_interval(10, qualifier)
    point = claim_interval(inside, "exact")
    other = claim_interval(outside, "exact")

    assert not interval.intersect(point).is_empty
    assert interval.intersect(other).is_empty


@pytest.mark.parametrize(
    ("value", "qualifier", "low", "high", "expected"),
    [
        (200, "exact", None, None, Interval(Bound(200), Bound(200))),
        (200, "more-than", None, None, Interval(Bound(200, inclusive=False), Bound(None))),
        (200, "at-least", None, None, Interval(Bound(200), Bound(None))),
        (230, "less-than", None, None, Interval(Bound(0), Bound(230, inclusive=False))),
        (230, "up-to", None, None, Interval(Bound(0), Bound(230))),
        (100, "about", None, None, Interval(Bound(90), Bound(110))),
        (200, "more-than", None, 250, Interval(Bound(200, inclusive=False), Bound(250))),
        (200, "at-least", None, 250, Interval(Bound(200), Bound(250))),
        (230, "less-than", 200, None, Interval(Bound(200), Bound(230, inclusive=False))),
        (230, "up-to", 200, None, Interval(Bound(200), Bound(230))),
        (215, "about", 200, 250, Interval(Bound(200), Bound(250))),
        (215, "about", 200, None, Interval(Bound(200), Bound(Fraction("236.5")))),
        (215, "about", None, 220, Interval(Bound(Fraction("193.5")), Bound(220))),
        (230, "exact", 200, 250, Interval(Bound(200), Bound(250))),
    ],
)
def test_claim_interval_is_the_set_of_values_the_claim_allows(value, qualifier, low, high, expected):
    """'More than' and 'less than' exclude the stated number itself; nothing is below zero; 'about' is ±10 %
    on each side where the source states no bound; a stated bound replaces the default on its side."""
    assert claim_interval(value, qualifier, low, high) == expected


def test_at_least_200_with_an_explicit_high_bound_of_250_ranges_200_to_250():
    assert not summarise_claims([Claim(200, "at-least", high=250), Claim(250)]).is_disputed
    assert summarise_claims([Claim(200, "at-least", high=250), Claim(300)]).is_disputed


def test_more_than_200_with_an_explicit_high_bound_of_250_contradicts_300():
    assert not summarise_claims([Claim(200, "more-than", high=250), Claim(250)]).is_disputed
    assert summarise_claims([Claim(200, "more-than", high=250), Claim(300)]).is_disputed


def test_up_to_230_with_an_explicit_low_bound_of_200_contradicts_150():
    assert not summarise_claims([Claim(230, "up-to", low=200), Claim(200)]).is_disputed
    assert summarise_claims([Claim(230, "up-to", low=200), Claim(150)]).is_disputed


def test_less_than_230_with_an_explicit_low_bound_of_200_contradicts_150():
    assert not summarise_claims([Claim(230, "less-than", low=200), Claim(200)]).is_disputed
    assert summarise_claims([Claim(230, "less-than", low=200), Claim(150)]).is_disputed


@pytest.mark.parametrize("qualifier", ["less-than", "up-to"])
def test_less_than_and_up_to_agree_with_none_at_all(qualifier):
    """'Less than 5 returned' does not contradict a report that nobody was returned."""
    assert not summarise_claims([Claim(5, qualifier), Claim(0)]).is_disputed


def test_about_allows_ten_percent_above_too():
    assert not summarise_claims([Claim(110_000_000, "about"), Claim(120_000_000)]).is_disputed
    assert summarise_claims([Claim(110_000_000, "about"), Claim(125_000_000)]).is_disputed


def test_about_with_both_bounds_allows_the_whole_stated_range():
    assert not summarise_claims([Claim(215, "about", low=200, high=250), Claim(205)]).is_disputed
    assert summarise_claims([Claim(215, "about", low=200, high=250), Claim(195)]).is_disputed


def test_about_with_only_a_low_bound_keeps_the_tolerance_above_the_value():
    """'About 215, at least 200' allows 230 (within 10 % above 215) but not 195 (below the stated bound)."""
    assert not summarise_claims([Claim(215, "about", low=200), Claim(230)]).is_disputed
    assert summarise_claims([Claim(215, "about", low=200), Claim(195)]).is_disputed


def test_about_with_only_a_high_bound_keeps_the_tolerance_below_the_value():
    assert not summarise_claims([Claim(215, "about", high=220), Claim(200)]).is_disputed
    assert summarise_claims([Claim(215, "about", high=220), Claim(225)]).is_disputed


def test_a_claim_of_an_unknown_rank_sorts_as_a_normal_one():
    unranked, deprecated, preferred = Claim(1, rank="unranked"), Claim(2, rank="deprecated"), Claim(3, rank="preferred")

    assert summarise_claims([deprecated, unranked, preferred]).claims == (preferred, unranked, deprecated)


def test_no_best_estimate_when_one_exact_figure_contradicts_a_bound():
    """173 and 'over 200' contradict: with nobody's claim preferred, the lone exact figure is not the estimate."""
    assert summarise_claims([SOME_RUSSIAN, ZELENSKY]).preferred is None


def test_the_best_estimate_is_the_exact_figure_not_a_bound_with_the_same_number():
    exact = Claim(230)

    assert summarise_claims([OTHER_RUSSIAN, exact]).preferred is exact


def test_a_single_live_bound_is_its_own_estimate():
    summary = summarise_claims([ZELENSKY, Claim(150, rank="deprecated")])

    assert summary.preferred is ZELENSKY


def test_consistent_bounds_without_an_exact_figure_give_no_best_estimate():
    summary = summarise_claims([ZELENSKY, OTHER_RUSSIAN])

    assert not summary.is_disputed
    assert summary.preferred is None
