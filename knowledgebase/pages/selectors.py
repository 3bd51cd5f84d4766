"""Reads that compose a public page from several apps: the event page (the event, its allegations of
IHL violations, the briefs that cite it), in a fixed number of queries."""

from collections import OrderedDict

from django.conf import settings
from django.db.models import Prefetch

from knowledgebase.briefs.models import Brief
from knowledgebase.events.selectors import event_detail_queryset
from knowledgebase.ihl.models import Allegation

# What the page's list of briefs never shows: their texts in every language and their search columns.
BRIEF_TEXTS = (
    "body",
    *(f"body_{code}" for code, _name in settings.LANGUAGES),
    "search_document",
    "search_body",
    "search_vector",
)


def event_page_queryset(base):
    """Everything the event page shows."""
    return (
        event_detail_queryset(base)
        .select_related("account_source__publisher")
        .prefetch_related(
            Prefetch(
                "allegations", queryset=Allegation.objects.select_related("provision__instrument", "source__publisher")
            ),
            Prefetch("briefs", queryset=Brief.objects.published().select_related("organization").defer(*BRIEF_TEXTS)),
        )
    )


def sources_of(event):
    """Every source the page cites (reports, figures, allegations), each once, in order of first use."""
    seen = OrderedDict()
    for source in (
        [c.source for c in event.citations.all()]
        + [f.source for f in event.figures.all()]
        + [a.source for a in event.allegations.all()]
    ):
        seen.setdefault(source.pk, source)
    return list(seen.values())
