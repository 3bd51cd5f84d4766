"""Range and dispute arithmetic over claims about one measure.

Each claim is read as the set of values it allows ("over 200" allows any
number above 200, "up to 230" any number from 0 to 230). Claims *contradict*
when no single number satisfies all of them: 230 and 173 do, while "over 200",
"up to 230" and 230 do not. Deprecated claims stay in the history but take no
part in the range, the dispute or the estimate.

Pure functions over plain values: no database access.
"""

from dataclasses import dataclass
from fractions import Fraction

EXACT = "exact"
MORE_THAN = "more-than"
AT_LEAST = "at-least"
LESS_THAN = "less-than"
UP_TO = "up-to"
ABOUT = "about"

PREFERRED = "preferred"
NORMAL = "normal"
DEPRECATED = "deprecated"

# "About N" with no stated bounds is read as N ± 10 %: wide enough that
# "about 110 million" agrees with 105 million, narrow enough that it does not
# agree with 90 million. Give explicit bounds when the source does.
ABOUT_TOLERANCE = Fraction(1, 10)


@dataclass(frozen=True)
class Bound:
    value: Fraction | None  # None is unbounded
    inclusive: bool = True


@dataclass(frozen=True)
class Interval:
    low: Bound
    high: Bound

    def intersect(self, other):
        return Interval(_tighter_low(self.low, other.low), _tighter_high(self.high, other.high))

    @property
    def is_empty(self):
        if self.low.value is None or self.high.value is None:
            return False
        if self.low.value > self.high.value:
            return True
        return self.low.value == self.high.value and not (self.low.inclusive and self.high.inclusive)


UNBOUNDED = Interval(Bound(Fraction(0)), Bound(None))


def _tighter_low(a, b):
    if a.value is None:
        return b
    if b.value is None:
        return a
    if a.value != b.value:
        return a if a.value > b.value else b
    return Bound(a.value, a.inclusive and b.inclusive)


def _tighter_high(a, b):
    if a.value is None:
        return b
    if b.value is None:
        return a
    if a.value != b.value:
        return a if a.value < b.value else b
    return Bound(a.value, a.inclusive and b.inclusive)


def claim_interval(value, qualifier, low=None, high=None):
    """The set of true values that a claim allows, as an interval over non-negative numbers."""
    v = Fraction(value)
    lo = Fraction(low) if low is not None else None
    hi = Fraction(high) if high is not None else None
    if qualifier == MORE_THAN:
        return Interval(Bound(v, inclusive=False), Bound(hi))
    if qualifier == AT_LEAST:
        return Interval(Bound(v), Bound(hi))
    if qualifier == LESS_THAN:
        return Interval(Bound(lo if lo is not None else Fraction(0)), Bound(v, inclusive=False))
    if qualifier == UP_TO:
        return Interval(Bound(lo if lo is not None else Fraction(0)), Bound(v))
    if qualifier == ABOUT:
        # A bound the source states replaces the tolerance on its side only: "about 215, at least 200"
        # still allows 230.
        return Interval(
            Bound(lo if lo is not None else v * (1 - ABOUT_TOLERANCE)),
            Bound(hi if hi is not None else v * (1 + ABOUT_TOLERANCE)),
        )
    return Interval(Bound(lo if lo is not None else v), Bound(hi if hi is not None else v))


@dataclass(frozen=True)
class ClaimSummary:
    """What a set of claims about one measure says, taken together."""

    claims: tuple  # ordered: preferred first, then normal, deprecated last
    low: int | None  # smallest number stated by a live claim
    high: int | None  # largest number stated by a live claim
    is_disputed: bool
    preferred: object | None  # the best estimate among the claims, if one stands out

    @property
    def has_range(self):
        return self.low is not None and self.low != self.high


_RANK_ORDER = {PREFERRED: 0, NORMAL: 1, DEPRECATED: 2}


def summarise_claims(claims):
    """Summarise claims that carry ``value``, ``qualifier``, ``low``, ``high`` and ``rank`` attributes."""
    ordered = tuple(sorted(claims, key=lambda c: _RANK_ORDER.get(c.rank, 1)))
    live = [c for c in ordered if c.rank != DEPRECATED]
    if not live:
        return ClaimSummary(ordered, None, None, False, None)
    stated = [n for c in live for n in (c.value, c.low, c.high) if n is not None]
    common = UNBOUNDED
    for claim in live:
        common = common.intersect(claim_interval(claim.value, claim.qualifier, claim.low, claim.high))
    disputed = common.is_empty
    return ClaimSummary(ordered, min(stated), max(stated), disputed, _preferred(live, disputed))


def _preferred(live, disputed):
    ranked = [c for c in live if c.rank == PREFERRED]
    if ranked:
        return ranked[0]
    if disputed:
        return None
    exact_values = {c.value for c in live if c.qualifier == EXACT}
    if len(exact_values) == 1:
        value = exact_values.pop()
        return next(c for c in live if c.qualifier == EXACT and c.value == value)
    if len(live) == 1:
        return live[0]
    return None
