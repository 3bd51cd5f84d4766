"""How numbers are written for readers: thousands separators, and a claim's value as its source states it."""

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.translation import gettext_lazy

QUALIFIER_TEXT = {
    "exact": "%(value)s",
    "more-than": gettext_lazy("more than %(value)s"),
    "at-least": gettext_lazy("at least %(value)s"),
    "less-than": gettext_lazy("less than %(value)s"),
    "up-to": gettext_lazy("up to %(value)s"),
    "about": gettext_lazy("about %(value)s"),
}


def number(value):
    """12,345 with thousands separators; empty for None."""
    if value is None:
        return ""
    return intcomma(value)


def stated_value(claim):
    """The value with its qualifier and bounds: 'up to 230', 'about 110,000,000 (100,000,000–120,000,000)'."""
    text = str(QUALIFIER_TEXT.get(claim.qualifier, "%(value)s")) % {"value": number(claim.value)}
    if claim.low is not None or claim.high is not None:
        low = number(claim.low) if claim.low is not None else "…"
        high = number(claim.high) if claim.high is not None else "…"
        text = f"{text} ({low}–{high})"
    return text
