"""The displacement explorer's map: the selected statistics by country of origin or by host country."""

from django.db.models import Count, F, Max
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from knowledgebase.core.translation import in_language
from knowledgebase.presentation import maps
from knowledgebase.serving.content_version import memoised

SIDES = ("origin", "host")
PARAMETER = "map"  # ?map=origin (the default) or ?map=host


def _explorer_link(request, **changes):
    query = request.GET.copy()
    if query.get(PARAMETER) not in SIDES[1:]:
        query.pop(PARAMETER, None)  # the default view, or a value the page does not read
    for name, value in changes.items():
        if value is None:
            query.pop(name, None)
        else:
            query.setlist(name, [value])
    query.pop("page", None)
    encoded = query.urlencode()
    return reverse("displacement:explorer") + (f"?{encoded}" if encoded else "")


def _profile_urls():
    pattern = reverse("countries:detail", kwargs={"code": "ZZ"})
    return lambda code: pattern.replace("/ZZ/", f"/{code}/")


def _texts(side, shaded):
    if side == "origin":
        title = _("Where the displaced people come from")
        described = _(
            "Each country of origin is shaded by the largest single figure among the selected statistics of "
            "people from it. Figures for different populations, dates or sources are never added up."
        )
        empty = _("No selected statistic counts people from a single country (they are global or regional).")
    else:
        title = _("Where the displaced people are hosted")
        described = _(
            "Each host country is shaded by the largest single figure among the selected statistics of "
            "people hosted in it. Figures for different populations, dates or sources are never added up."
        )
        empty = _("No selected statistic counts people hosted in a single country (they are global or regional).")
    return title, described if shaded else empty


def statistic_map(request, statistics, every_statistic=False):
    """The choropleth of ``statistics`` by origin or host (``?map=``), from one aggregate query; for
    ``every_statistic`` (no filter), kept for the content version."""
    side = request.GET.get(PARAMETER) if request.GET.get(PARAMETER) in SIDES else SIDES[0]

    def aggregate():
        return list(
            statistics.order_by()
            .filter(**{f"{side}_country__isnull": False})
            .values(code=F(f"{side}_country_id"), name=in_language(F(f"{side}_country__name"), statistics.model))
            .annotate(largest=Max("value"), n=Count("pk"))
            .order_by("-largest", "name")
        )

    if every_statistic:
        rows = memoised(f"displacement.map-{side}", aggregate)
    else:
        rows = maps.kept_for_selection(request, f"statistics-{side}", aggregate)
    names = {row["code"]: row["name"] for row in rows}
    counts = {row["code"]: row["n"] for row in rows}

    def label(code, value):
        return ngettext(
            "%(country)s: largest figure %(value)s (%(n)s statistic)",
            "%(country)s: largest figure %(value)s (%(n)s statistics)",
            counts[code],
        ) % {"country": names[code], "value": number_format(value, force_grouping=True), "n": counts[code]}

    title, description = _texts(side, bool(rows))
    table = maps.Table(
        _("Selected statistics by country of origin") if side == "origin" else _("Selected statistics by host country"),
        [_("Country"), _("Statistics"), _("Largest figure")],
        [
            [(row["name"], _explorer_link(request, **{side: row["code"]}), False), (row["n"], "", True)]
            + [(row["largest"], "", True)]
            for row in rows
        ],
    )
    result = maps.choropleth(
        "displacement-map",
        title,
        description,
        {row["code"]: row["largest"] for row in rows},
        href=lambda code: _explorer_link(request, **{side: code}),
        label=label,
        other_href=_profile_urls(),
        tables=[table],
    )
    result.views = [
        (_("Countries of origin"), _explorer_link(request, **{PARAMETER: None}), side == "origin"),
        (_("Host countries"), _explorer_link(request, **{PARAMETER: "host"}), side == "host"),
    ]
    return result
