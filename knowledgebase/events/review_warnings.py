"""What to look at before an event goes public: warnings, never blocks.

* figures of a measure contradict each other (``sources.claims``, through ``selectors.figures_by_measure``)
  and none of them is the best estimate;
* a figure without an excerpt (the words of the source that state the number);
* a figure whose source was published before the date the figure is as of (a source cannot report a
  number as of a later date), or after it (the number may be a later count than the as-of date says);
* an event that cites no source.

``event_warnings`` reads plain rows, saved or not (the admin checks a form's rows before they are
saved); ``stored_event_warnings`` reads an event's saved rows in two queries, ``stored_warnings_of`` those
of many events in two queries too (the review desk's queue and bulk publish). Each warning names what it
is about (``keys``), so that the admin can tell a warning a change brings from one already public, and has
a short label (``short_label``) for a row of the review queue.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from knowledgebase.events.models import Citation, Figure
from knowledgebase.events.selectors import figures_by_measure
from knowledgebase.presentation.formatting import day_date, number, stated_value
from knowledgebase.sources.claims import PREFERRED

DISPUTE = "dispute"
NO_EXCERPT = "no-excerpt"
SOURCE_BEFORE_AS_OF = "source-before-as-of"
SOURCE_AFTER_AS_OF = "source-after-as-of"
NO_SOURCE = "no-source"


@dataclass(frozen=True)
class EventWarning:
    """One thing to check, with the claims or figures it is about (``items``, as lines of text)."""

    code: str
    message: str
    items: tuple = ()
    keys: frozenset = field(default_factory=frozenset)
    #: For a dispute: the measure's ``selectors.MeasureClaims`` (range, claims).
    claims: object = None


def figure_key(figure):
    """Names a figure among the warnings: a saved one by its id (a correction of its value is the same
    figure), a new one by what it says."""
    if figure.pk is not None:
        return ("figure", figure.pk)
    return (
        figure.measure_id,
        figure.value,
        figure.qualifier,
        figure.low,
        figure.high,
        figure.claimant_actor_id,
        figure.claimant_organization_id,
        figure.source_id,
        figure.as_of_date,
    )


def _claim_line(figure):
    return _("%(value)s, claimed by %(claimant)s") % {"value": stated_value(figure), "claimant": figure.claimant or "?"}


def _figure_line(figure):
    return _("%(measure)s: %(claim)s") % {"measure": figure.measure, "claim": _claim_line(figure)}


def _disputes(figures):
    warnings = []
    for group in figures_by_measure(figures):
        summary = group.summary
        if not summary.is_disputed or any(claim.rank == PREFERRED for claim in summary.claims):
            continue
        message = _(
            "%(measure)s: the claims contradict each other, from %(low)s to %(high)s, and none is the best "
            "estimate. Choose it (rank “Preferred”, with the reason) or confirm that readers see the range."
        ) % {"measure": group.measure, "low": number(summary.low), "high": number(summary.high)}
        warnings.append(
            EventWarning(
                DISPUTE,
                message,
                items=tuple(_claim_line(claim) for claim in summary.claims),
                keys=frozenset({(DISPUTE, group.measure.pk)}),
                claims=group,
            )
        )
    return warnings


def _without_excerpt(figures):
    missing = [figure for figure in figures if not (figure.excerpt or "").strip()]
    if not missing:
        return []
    count = len(missing)
    message = ngettext(
        "%(count)d figure has no excerpt: quote the words of its source that state the number.",
        "%(count)d figures have no excerpt: quote the words of their sources that state the numbers.",
        count,
    ) % {"count": count}
    return [
        EventWarning(
            NO_EXCERPT,
            message,
            items=tuple(_figure_line(figure) for figure in missing),
            keys=frozenset((NO_EXCERPT, figure_key(figure)) for figure in missing),
        )
    ]


def _source_date_lines(rows):
    return tuple(
        _("%(figure)s, as of %(as_of)s, in “%(source)s”, published on %(published)s")
        % {
            "figure": _figure_line(figure),
            "as_of": day_date(figure.as_of_date),
            "source": figure.source,
            "published": day_date(figure.source.published_date),
        }
        for figure in rows
    )


def _source_dates(figures):
    before, after = [], []
    for figure in figures:
        published = figure.source.published_date if figure.source_id else None
        if published is None or figure.as_of_date is None or published == figure.as_of_date:
            continue
        (before if published < figure.as_of_date else after).append(figure)
    warnings = []
    if before:
        message = ngettext(
            "%(count)d figure is as of a date after its source was published: a source cannot report a number "
            "as of a later date. Check the as-of date and the source.",
            "%(count)d figures are as of dates after their sources were published: a source cannot report a "
            "number as of a later date. Check the as-of dates and the sources.",
            len(before),
        ) % {"count": len(before)}
        keys = frozenset((SOURCE_BEFORE_AS_OF, figure_key(figure)) for figure in before)
        warnings.append(EventWarning(SOURCE_BEFORE_AS_OF, message, _source_date_lines(before), keys))
    if after:
        message = ngettext(
            "%(count)d figure comes from a source published after its as-of date: check that the number is the "
            "one as of that date, not a later count.",
            "%(count)d figures come from sources published after their as-of dates: check that each number is "
            "the one as of its date, not a later count.",
            len(after),
        ) % {"count": len(after)}
        keys = frozenset((SOURCE_AFTER_AS_OF, figure_key(figure)) for figure in after)
        warnings.append(EventWarning(SOURCE_AFTER_AS_OF, message, _source_date_lines(after), keys))
    return warnings


def event_warnings(*, figures, cites_a_source):
    """The warnings of an event whose figures are ``figures`` (with their measure, claimant and source read)
    and which cites a source or not."""
    figures = list(figures)
    warnings = [*_disputes(figures), *_without_excerpt(figures), *_source_dates(figures)]
    if not cites_a_source:
        message = _("The event cites no source: add the source that reports it under Citations.")
        warnings.append(EventWarning(NO_SOURCE, message, keys=frozenset({(NO_SOURCE,)})))
    return warnings


def stored_event_warnings(event):
    """The warnings of a saved event, from its saved figures and citations: two queries."""
    if event is None or event.pk is None:
        return []
    figures = Figure.objects.filter(event=event).with_attribution().order_by("measure__position", "measure__name", "id")
    cites = Citation.objects.filter(event=event).exists()
    return event_warnings(figures=figures, cites_a_source=cites)


def stored_warnings_of(events):
    """{pk: warnings} of saved events, each as ``stored_event_warnings`` gives it: two queries whatever
    their number."""
    pks = [event.pk for event in events if event.pk is not None]
    if not pks:
        return {}
    figures = defaultdict(list)
    rows = Figure.objects.filter(event_id__in=pks).with_attribution()
    for figure in rows.order_by("event_id", "measure__position", "measure__name", "id"):
        figures[figure.event_id].append(figure)
    citing = set(Citation.objects.filter(event_id__in=pks).values_list("event_id", flat=True).distinct())
    return {pk: event_warnings(figures=figures[pk], cites_a_source=pk in citing) for pk in pks}


def short_label(warning):
    """A warning in a few words, for a row of the review queue: a dispute with its measure and range."""
    count = len(warning.items)
    if warning.code == DISPUTE:
        summary = warning.claims.summary
        return _("%(measure)s: disputed, %(low)s to %(high)s, no best estimate") % {
            "measure": warning.claims.measure,
            "low": number(summary.low),
            "high": number(summary.high),
        }
    if warning.code == NO_EXCERPT:
        return ngettext("%(count)d figure without an excerpt", "%(count)d figures without an excerpt", count) % {
            "count": count
        }
    if warning.code == SOURCE_BEFORE_AS_OF:
        return ngettext(
            "%(count)d figure as of a date after its source", "%(count)d figures as of dates after their sources", count
        ) % {"count": count}
    if warning.code == SOURCE_AFTER_AS_OF:
        return ngettext(
            "%(count)d figure from a source published after its as-of date",
            "%(count)d figures from sources published after their as-of dates",
            count,
        ) % {"count": count}
    if warning.code == NO_SOURCE:
        return _("No source cited")
    return warning.message


def warning_keys(warnings):
    """Everything ``warnings`` are about, as one set."""
    return frozenset().union(*(warning.keys for warning in warnings))


def new_warnings(warnings, already):
    """The warnings about something the warnings ``already`` (e.g. those of the published version) are not."""
    known = warning_keys(already)
    return [warning for warning in warnings if not warning.keys <= known]
