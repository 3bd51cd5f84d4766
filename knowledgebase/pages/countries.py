"""Countries: the list of those with published content, a profile of each, and the map of the event list.

A profile joins every app: the events that concern the country (over time by type, the latest, the
prisoner exchanges with each side's numbers), displacement statistics from it and hosted in it, the
actors and organisations based there and the briefs about it, each with its downloads, and a locator
map. Every section is one query, however much the country has.
"""

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.core.models import Country
from knowledgebase.core.translation import in_language
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.filters import published_types
from knowledgebase.events.models import LIST_DEFERRED_FIELDS, Event, countries_by_code, country_names
from knowledgebase.events.selectors import PRISONER_EXCHANGE, counted_value, exchange_rows_of
from knowledgebase.pages.event_selection import Selection, summarise
from knowledgebase.presentation import maps
from knowledgebase.presentation.charts import line_chart
from knowledgebase.serving.caching import cached_page
from knowledgebase.serving.content_version import content_version, memoised

LATEST_EVENTS = 10
EXCHANGES_SHOWN = 20
STATISTICS_SHOWN = 10
PEOPLE_SHOWN = 30
CHART_TYPES = 5  # types drawn as series of their own; the rest are grouped
MAP_MARKS = 500  # located places drawn on the event map, the most frequent first


def profile_url(code):
    return reverse("countries:detail", kwargs={"code": code})


def profile_urls():
    """A fast ``profile_url`` for a whole map (one ``reverse``, not one per country)."""
    pattern = profile_url("ZZ")
    return lambda code: pattern.replace("/ZZ/", f"/{code}/")


# --- The event list's map -------------------------------------------------------------------------


def selected_events(request, events):
    """The ``Selection`` of the list's filters (``events``, bound): its capped count, the keys of its first
    events and where they happened, in one query; kept in the cache for the content version (and at most
    PAGE_CACHE_SECONDS) for the other pages of the same selection, which differ only by ``page``."""
    cap = settings.LIST_COUNT_CAP
    if not events.is_valid:
        return Selection(cap, 0)
    ordering = events.filterset.date_ordering()
    return maps.kept_for_selection(request, "events", lambda: summarise(events.rows, ordering, cap))


def _coordinate(value):
    """A latitude or longitude as stored (five decimals at most), without trailing zeros."""
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


def _places(places):
    """The map marks of located events (rows of place, lat, lon, precision and n) and their table."""
    marks = [
        maps.Mark(
            float(row["lon"]),
            float(row["lat"]),
            row["precision"],
            _("%(place)s (%(precision)s): %(n)s")
            % {
                "place": row["place"] or _("unnamed place"),
                "precision": maps.PRECISION_LABELS.get(row["precision"], row["precision"]),
                "n": number_format(row["n"], force_grouping=True),
            },
        )
        for row in places
    ]
    table = maps.Table(
        _("Located events by place"),
        [_("Place"), _("Latitude, longitude"), _("Precision"), _("Events")],
        [
            [
                (row["place"] or _("unnamed place"), "", False),
                (f"{_coordinate(row['lat'])}, {_coordinate(row['lon'])}", "", False),
                (maps.PRECISION_LABELS.get(row["precision"], row["precision"]), "", False),
                (row["n"], "", True),
            ]
            for row in places
        ],
    )
    return marks, table


def _located(events):
    """Where ``events`` were located: one row per place, the most frequent first (one query)."""
    return list(
        events.filter(latitude__isnull=False)
        .values(
            lat=F("latitude"),
            lon=F("longitude"),
            precision=F("geo_precision"),
            place=in_language(F("place_name"), Event),
        )
        .annotate(n=Count("*"))
        .order_by("-n", "place")[:MAP_MARKS]
    )


def _events_links(request):
    """code -> the event list with the same filters and this country instead of the chosen ones."""
    query = request.GET.copy()
    for name in ("country", "page"):
        query.pop(name, None)
    prefix = f"{reverse('events:list')}?{query.urlencode()}{'&' if query else ''}country="
    return lambda code: prefix + code


def event_map(request, selection):
    """The map of the events the list's filters select: countries shaded by how many events concern
    them, located events drawn as marks by their geographic precision. Over the list's cap, the map shows
    the first events of the selection in the list's order, as many as the cap, and says so."""
    events_link = _events_links(request)
    names = country_names()
    countries = sorted(selection.countries.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    places = selection.places[:MAP_MARKS]

    def label(code, n):
        return ngettext("%(country)s: %(n)s event", "%(country)s: %(n)s events", n) % {
            "country": names.get(code, code),
            "n": number_format(n, force_grouping=True),
        }

    marks, place_table = _places(places)
    title = _("Where the selected events happened")
    if selection.is_capped:
        cap = number_format(selection.cap, force_grouping=True)
        description = _(
            "Countries shaded by the number of events that concern them, for the first %(cap)s events of "
            "the selection in the list's order; narrow the filters to map every event."
        ) % {"cap": cap}
    else:
        description = _("Countries shaded by the number of selected events that concern them.")
    if marks:
        description += " " + _("Events with coordinates are marked by how precisely they are located.")
    country_table = maps.Table(
        _("Selected events by country"),
        [_("Country"), _("Events")],
        [[(names.get(code, code), events_link(code), False), (n, "", True)] for code, n in countries],
    )
    return maps.choropleth(
        "events-map",
        title,
        description,
        dict(countries),
        href=events_link,
        label=label,
        other_href=profile_urls(),
        marks=marks,
        tables=[country_table, *([place_table] if places else [])],
    )


# --- Countries with content -----------------------------------------------------------------------


def content_counts():
    """{code: (events, statistics of people from it, statistics of people hosted in it)} of every country
    with published content, kept per content version (three aggregate queries)."""

    def build():
        events = dict(
            Event.countries.through.objects.filter(event__in=Event.objects.published().values("pk"))
            .values_list("country_id")
            .annotate(n=Count("*"))
        )
        statistics = {}
        for side in ("origin", "host"):
            rows = (
                DisplacementStatistic.objects.published()
                .filter(**{f"{side}_country__isnull": False})
                .values_list(f"{side}_country_id")
                .annotate(n=Count("*"))
            )
            for code, n in rows:
                statistics.setdefault(code, {})[side] = n
        return {
            code: (events.get(code, 0), sides.get("origin", 0), sides.get("host", 0))
            for code in {*events, *statistics}
            for sides in [statistics.get(code, {})]
        }

    # At a million events the three aggregates take about two seconds: each process keeps them (``memoised``)
    # from the copy that the first to need them shares through the cache for the content version (``_kept``).
    return memoised("countries-with-content", lambda: _kept("countries-with-content", build))


@cached_page()
def country_list(request):
    counts = content_counts()
    countries = Country.objects.filter(code__in=counts).order_by("name")
    rows = [(country, *counts[country.code]) for country in countries]
    names = {country.code: country.name for country in countries}

    def label(code, n):
        return ngettext("%(country)s: %(n)s event", "%(country)s: %(n)s events", n) % {
            "country": names[code],
            "n": number_format(n, force_grouping=True),
        }

    world = maps.choropleth(
        "countries-map",
        _("Countries with published content"),
        _("Countries shaded by the number of published events that concern them; the table gives every number."),
        {code: events for code, (events, _origin, _host) in counts.items() if code in names},
        href=profile_urls(),
        label=label,
        other_href=profile_urls(),
    )
    return TemplateResponse(request, "countries/country_list.html", {"rows": rows, "world": world})


# --- A country's profile --------------------------------------------------------------------------


def _kept(name, build):
    """``build()`` kept in the cache for the content version and the language, at most FORM_CHOICES_SECONDS (as
    the list's facets are): an aggregate over every event of a country, which a million events make too
    costly to compute on each view, and which only a change of content changes."""
    key = f"{name}:{content_version()}:{get_language()}"
    kept = cache.get(key)
    if kept is None:
        kept = build()
        cache.set(key, kept, settings.FORM_CHOICES_SECONDS)
    return kept


def _statistic_counts(code):
    """How many published statistics count people from the country, and hosted in it: two counts over the
    country's own index entries, kept for the content version (``_kept``), not the aggregate of every
    country that the list of countries needs."""

    def count():
        statistics = DisplacementStatistic.objects.published()
        return statistics.filter(origin_country=code).count(), statistics.filter(host_country=code).count()

    return _kept(f"country-statistics:{code}", count)


def events_by_year_and_type(events, code=None):
    """{type name: [(year, count), …]} with every year from the first to the last (a year without events of
    a type counts 0), the CHART_TYPES most frequent types apart and the rest grouped; and the total. With a
    country's ``code``, the counts are kept for the content version (``_kept``)."""

    def count():
        return list(
            events.order_by()
            .values(year=ExtractYear("start_date"), type=in_language(F("event_type__name"), Event))
            .annotate(n=Count("pk"))
            .order_by("year", "type")
        )

    rows = _kept(f"country-chart:{code}", count) if code else count()
    if not rows:
        return {}, None, 0
    totals = {}
    for row in rows:
        totals[row["type"]] = totals.get(row["type"], 0) + row["n"]
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    other = _("Other types") if len(ranked) > CHART_TYPES + 1 else None
    kept = ranked[:CHART_TYPES] if other else ranked
    years = range(rows[0]["year"], rows[-1]["year"] + 1)
    counts = {}
    for row in rows:
        name = row["type"] if row["type"] in kept else other
        counts[(name, row["year"])] = counts.get((name, row["year"]), 0) + row["n"]
    names = [*kept, *([other] if other else [])]
    series = {name: [(year, counts.get((name, year), 0)) for year in years] for name in names}
    return series, other, sum(totals.values())


def _exchanges(events, code):
    """The latest exchanges concerning the country, newest first, with each side's numbers (the country's
    own side first). The exchange type is named by its key (kept with the list's facets), so that the
    index of published events by type and date serves the newest first."""
    types = [event_type.pk for event_type in published_types() if event_type.slug == PRISONER_EXCHANGE]
    exchanges = events.filter(event_type__in=types).defer(*LIST_DEFERRED_FIELDS).order_by("-start_date", "-id")
    rows = exchange_rows_of(exchanges[:EXCHANGES_SHOWN])
    # The sides are the exchanges' countries that people were returned to, named from the countries kept
    # for the content version (``Event.country_codes``), not read again for each exchange.
    countries = countries_by_code()
    # (A country newer than the kept ones is left out until they are read again, as the tracker does.)
    codes = {side for row in rows for side in row.event.country_codes if side in row.sides and side in countries}
    sides = sorted((countries[side] for side in codes), key=lambda country: (country.code != code, country.name))
    return [
        (row, [(side, row.sides.get(side.code), *counted_value(row.sides.get(side.code))) for side in sides])
        for row in rows
    ], sides


def _briefs(code):
    """Published briefs linked to a published event or statistic that concerns the country."""
    events = Event.objects.published().filter(country_codes__overlaps=[code])
    statistics = DisplacementStatistic.objects.published().filter(Q(origin_country=code) | Q(host_country=code))
    through_events = Brief.events.through.objects.filter(brief=OuterRef("pk"), event__in=events.values("pk"))
    through_statistics = Brief.statistics.through.objects.filter(
        brief=OuterRef("pk"), displacementstatistic__in=statistics.values("pk")
    )
    return (
        Brief.objects.published()
        .filter(Exists(through_events) | Exists(through_statistics))
        .select_related("organization")
        .order_by("-published_date", "title")
    )


def _downloads(code):
    """(label, [(format, URL)]) of every table on the profile, through the list downloads and the API."""

    def both(url_name, parameter):
        return [(fmt.upper(), f"{reverse(url_name, args=[fmt])}?{parameter}={code}") for fmt in ("csv", "json")]

    return [
        (_("Events"), both("events:export", "country")),
        (_("Their figures"), both("events:figure-export", "country")),
        (_("Prisoner exchanges"), both("events:exchange-export", "country")),
        (_("Statistics of people from here"), both("displacement:export", "origin")),
        (_("Statistics of people hosted here"), both("displacement:export", "host")),
        (_("Actors based here"), [("JSON", f"{reverse('api:actor-list')}?country={code}")]),
        (_("Organisations based here"), [("JSON", f"{reverse('api:organization-list')}?country={code}")]),
    ]


def _locator(country, events):
    """The profile's map: the country highlighted among its neighbours, its located events marked."""
    places = _located(events)
    marks, place_table = _places(places)
    description = _("A map of the region around %(country)s, which is highlighted.") % {"country": country.name}
    if marks:
        description += " " + _("Events with coordinates are marked by how precisely they are located.")
    return maps.locator(
        "country-map",
        country.code,
        _("%(country)s on the world map") % {"country": country.name},
        description,
        other_href=profile_urls(),
        marks=marks,
        tables=[place_table] if places else [],
    )


@cached_page()
def country_detail(request, code):
    if code != code.upper():
        return redirect("countries:detail", code=code.upper(), permanent=True)
    country = countries_by_code().get(code)
    if country is None:
        raise Http404(_("No country has this ISO 3166-1 alpha-2 code."))
    events = Event.objects.published().filter(country_codes__overlaps=[code])
    series, other, event_count = events_by_year_and_type(events, code)
    chart = line_chart(
        "country-events",
        _("Events concerning %(country)s, by year and type") % {"country": country.name},
        _("Number of published events each year, one line per type of event."),
        series,
        other=other,
    )
    exchanges, sides = _exchanges(events, code)
    statistics = DisplacementStatistic.objects.published().with_attribution()
    from_count, hosted_count = _statistic_counts(code)
    context = {
        "country": country,
        "event_count": event_count,
        "from_count": from_count,
        "hosted_count": hosted_count,
        "locator": _locator(country, events),
        "chart": chart,
        "series": series,
        "years": [year for year, _n in next(iter(series.values()), [])],
        "latest_events": events.for_list().order_by("-start_date", "-id")[:LATEST_EVENTS],
        "exchanges": exchanges,
        "sides": sides,
        "from_here": statistics.filter(origin_country=code)[:STATISTICS_SHOWN],
        "hosted_here": statistics.filter(host_country=code)[:STATISTICS_SHOWN],
        "actors": Actor.objects.filter(country=code).order_by("name")[:PEOPLE_SHOWN],
        "organizations": Organization.objects.filter(country=code).order_by("name")[:PEOPLE_SHOWN],
        "briefs": _briefs(code),
        "downloads": _downloads(code),
    }
    return TemplateResponse(request, "countries/country_detail.html", context)
