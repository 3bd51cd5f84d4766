"""Writes that keep a brief's search document true to its text, author and takeaways."""

from django.db.models import QuerySet

from knowledgebase.briefs.models import Brief
from knowledgebase.core.search import document_text, refresh_search_vectors


def brief_search_document(brief: Brief) -> str:
    return document_text(
        brief.title,
        brief.standfirst,
        brief.organization.name,
        brief.organization.acronym,
        brief.author,
        *(takeaway.text for takeaway in brief.takeaways.all()),
    )


def briefs_refresh_search_documents(*, briefs: QuerySet[Brief]) -> int:
    rows = list(
        Brief.objects.filter(pk__in=briefs.values("pk")).select_related("organization").prefetch_related("takeaways")
    )
    for brief in rows:
        brief.search_document = brief_search_document(brief)
    Brief.objects.bulk_update(rows, ["search_document"], batch_size=500)
    refresh_search_vectors(Brief.objects.filter(pk__in=[row.pk for row in rows]))
    return len(rows)
