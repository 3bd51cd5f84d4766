"""IHL provisions, grouped by instrument, and the published events alleged to violate them."""

from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from knowledgebase.core.models import PublicationStatus
from knowledgebase.ihl.models import Allegation, Provision
from knowledgebase.serving.caching import cached_page

PUBLISHED = PublicationStatus.PUBLISHED


@cached_page()
def provision_list(request):
    provisions = Provision.objects.annotate(
        allegation_count=Count("allegations", filter=Q(allegations__event__status=PUBLISHED))
    ).order_by("instrument__position", "position")
    instruments = [(instrument, list(items)) for instrument, items in groupby(provisions, key=lambda p: p.instrument)]
    return TemplateResponse(request, "ihl/provision_list.html", {"instruments": instruments})


@cached_page()
def provision_detail(request, slug):
    allegations = (
        Allegation.objects.filter(event__status=PUBLISHED)
        .select_related("event__event_type", "source__publisher")
        .order_by("-event__start_date", "event_id")
    )
    provision = get_object_or_404(
        Provision.objects.prefetch_related(Prefetch("allegations", queryset=allegations)), slug=slug
    )
    return TemplateResponse(request, "ihl/provision_detail.html", {"provision": provision})
