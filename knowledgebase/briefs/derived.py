"""What a brief's search document is made from: its text, its organisation and its takeaways.
See ``core.derived`` for how writes use this."""

from knowledgebase.actors.models import Organization
from knowledgebase.briefs.models import Brief, Takeaway
from knowledgebase.briefs.services import briefs_refresh_search_documents
from knowledgebase.core import derived

SEARCH = "briefs.search"


def declare():
    derived.refresher(SEARCH, lambda ids: briefs_refresh_search_documents(briefs=Brief.objects.filter(pk__in=ids)))
    derived.depends(Brief, SEARCH, via="pk")
    derived.depends(Takeaway, SEARCH, via="brief_id")
    derived.depends(Organization, SEARCH, query=lambda organization: Brief.objects.filter(organization=organization))
