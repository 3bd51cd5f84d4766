"""The dispute arithmetic on the seed's own claims (no database)."""

from dataclasses import dataclass

import pytest

from knowledgebase.sources.claims import claim_interval, summarise_claims


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
    summary = summarise_claims([Claim(1, rank="deprecated")])

    assert summary.low is None and summary.preferred is None and not summary.is_disputed


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
