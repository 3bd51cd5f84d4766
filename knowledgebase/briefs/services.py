"""Writes that keep a brief's search document true to its text, author and takeaways."""

from django.db.models import QuerySet

from knowledgebase.briefs.models import Brief
from knowledgebase.core.search import document_text, every_language, refresh_search_vectors


def brief_search_document(brief: Brief) -> str:
    """Title and standfirst in every language, the organisation's names and acronym, the author and the
    takeaways in every language, case-folded. The body is searched as a column of its own, with less weight."""
    return document_text(
        *every_language(brief, "title"),
        *every_language(brief, "standfirst"),
        *every_language(brief.organization, "name"),
        brief.organization.acronym,
        brief.author,
        *(text for takeaway in brief.takeaways.all() for text in every_language(takeaway, "text")),
    )


def brief_search_body(brief: Brief) -> str:
    """The body in every language, case-folded."""
    return document_text(*every_language(brief, "body"))


def briefs_refresh_search_documents(*, briefs: QuerySet[Brief]) -> int:
    """Rebuild the search columns of each brief in the queryset ``briefs``."""
    rows = list(
        Brief.objects.filter(pk__in=briefs.values("pk")).select_related("organization").prefetch_related("takeaways")
    )
    for brief in rows:
        brief.search_document = brief_search_document(brief)
        brief.search_body = brief_search_body(brief)
    Brief.objects.bulk_update(rows, ["search_document", "search_body"], batch_size=500)
    refresh_search_vectors(Brief.objects.filter(pk__in=[row.pk for row in rows]))
    return len(rows)
