"""Public brief pages."""

from itertools import groupby

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.changelog import record_changes
from knowledgebase.core.views import paginate, visible_to
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Event, Figure
from knowledgebase.events.selectors import figures_by_measure
from knowledgebase.presentation import structured_data
from knowledgebase.serving.caching import cached_page

BRIEF_FIELDS = ["title", "standfirst", "body", "organization", "author", "published_date"]
# Stored for search only: the page never shows them, and they are as long as every text of the brief together.
SEARCH_COLUMNS = ("search_document", "search_body", "search_vector")


@cached_page("page")
def brief_list(request):
    briefs = Brief.objects.published().select_related("organization").prefetch_related("themes")
    return TemplateResponse(request, "briefs/brief_list.html", {"page_obj": paginate(request, briefs)})


@cached_page()
def brief_detail(request, slug):
    brief = get_object_or_404(
        visible_to(request, Brief.objects.all())
        .select_related("organization", "source__publisher")
        .defer(*SEARCH_COLUMNS)
        .prefetch_related(
            "themes",
            Prefetch("takeaways", queryset=Takeaway.objects.select_related("event").order_by("position")),
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("position")),
            Prefetch("events", queryset=Event.objects.published().for_list()),
            # Live figures: only those of published events, with their attribution.
            Prefetch(
                "figures",
                queryset=Figure.objects.published()
                .with_attribution()
                .select_related("event")
                .defer(*(f"event__{name}" for name in LIST_DEFERRED_FIELDS))
                .order_by("event__start_date", "event_id", "measure__position", "id"),
            ),
            Prefetch("statistics", queryset=DisplacementStatistic.objects.published().with_attribution()),
            "actors",
        ),
        slug=slug,
    )
    figures = brief.figures.all()
    figure_groups = [
        (event, figures_by_measure(list(group))) for event, group in groupby(figures, key=lambda f: f.event)
    ]
    # By audience, each audience where the brief first addresses it, in the brief's order.
    recommendations = {}
    for recommendation in brief.recommendations.all():
        recommendations.setdefault(recommendation.get_audience_display(), []).append(recommendation)
    context = {
        "brief": brief,
        "changes": record_changes(
            Brief.history.filter(id=brief.pk).order_by("history_date", "history_id"),
            since=brief.first_published_at,
            fields=BRIEF_FIELDS,
            label=lambda name: Brief._meta.get_field(name).verbose_name,
        ),
        "structured_data": structured_data.article(brief, request.build_absolute_uri(brief.get_absolute_url())),
        "figure_groups": figure_groups,
        "recommendations": list(recommendations.items()),
        "takeaway_events": {t.event_id for t in brief.takeaways.all() if t.event and t.event.is_published},
    }
    return TemplateResponse(request, "briefs/brief_detail.html", context)
