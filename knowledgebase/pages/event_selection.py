"""The event list's selection, summarised in one query: how many events its filters select (exactly up to
LIST_COUNT_CAP, then "more than"), the keys of the first of them in the list's order (the pages within them
are then read by key, 25 rows by primary key, however costly the filters), and where those first events
happened, for the map (how many concern each country, and each located place).

Why one pass, and why capped: at a million events a selection of a common type or word holds tens of
thousands of events. Counting it, mapping it and listing it separately read it three times, and an exact
count or a map of every row reads all of it. Here its first LIST_COUNT_CAP + 1 rows are read once, in the
list's order, and on PostgreSQL from the list's covering index alone (``event_published_list_idx``, which
holds each row's date, type, dispute flag and ``country_codes``); the countries are counted from each row's
codes (``unnest``) and the located places by key. Elsewhere (SQLite: the demo and the tests) the same rows
are read and counted in Python.

A search ordered by relevance is summarised in date order (its rank does not change what is counted or
mapped); when more events match than the cap, the list shows them newest first and says so.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F
from django.db.models.expressions import RawSQL

from knowledgebase.core.translation import in_language
from knowledgebase.events.models import Event


@dataclass(frozen=True)
class Selection:
    """What the list's filters select, read up to ``cap`` + 1 rows in the list's order."""

    cap: int
    count: int  # the rows selected, at most cap + 1
    keys: list = field(default_factory=list)  # the primary keys of those rows, in the list's order
    countries: dict = field(default_factory=dict)  # code -> how many of the first ``cap`` rows concern it
    places: list = field(default_factory=list)  # located places of the first ``cap`` rows: dicts, most first

    @property
    def is_capped(self):
        return self.count > self.cap


#: The columns a list's order may name, as the summary selects them.
ORDER_COLUMNS = {"start_date", "id"}


def _order_sql(ordering):
    """``["-start_date", "-id"]`` as the ORDER BY of the summary's own columns (only those it selects)."""
    columns = [(name.lstrip("-"), "DESC" if name.startswith("-") else "ASC") for name in ordering]
    if any(column not in ORDER_COLUMNS for column, _direction in columns):
        raise ValueError(f"The list's summary cannot be ordered by {ordering}.")
    return ", ".join(f"{column} {direction}" for column, direction in columns)


def _place():
    return in_language(F("place_name"), Event)


def _located_places(keys):
    """The located events among ``keys`` (a queryset, or the rows of the summary's ``mapped``), counted by place."""
    return (
        Event.objects.filter(pk__in=keys, latitude__isnull=False)
        .values(lat=F("latitude"), lon=F("longitude"), precision=F("geo_precision"), place=_place())
        .annotate(n=Count("*"))
        .order_by()
    )


def _summarise_postgresql(rows, ordering, cap):
    selected = rows.order_by(*ordering).values("pk", "start_date", "country_codes")[: cap + 1]
    selected_sql, selected_params = selected.query.sql_with_params()
    located_sql, located_params = _located_places(RawSQL("SELECT id FROM mapped", ())).query.sql_with_params()
    order = _order_sql(ordering)
    # Only compiled querysets (with their parameters kept apart), the checked order and fixed text.
    sql = (
        f"WITH selected (id, start_date, country_codes) AS MATERIALIZED ({selected_sql}), "  # noqa: S608
        f"mapped AS (SELECT id, country_codes FROM selected ORDER BY {order} LIMIT {int(cap)}) "
        "SELECT 0 AS part, count(*) AS n, "
        f"(SELECT array_agg(id ORDER BY {order}) FROM selected) AS keys, NULL::text AS code, "
        "NULL::numeric AS lat, NULL::numeric AS lon, NULL::text AS precision, NULL::text AS place FROM selected "
        "UNION ALL SELECT 1, count(*), NULL, code, NULL, NULL, NULL, NULL "
        "FROM mapped CROSS JOIN LATERAL unnest(mapped.country_codes) AS code GROUP BY code "
        "UNION ALL SELECT 2, located.n, NULL, NULL, located.lat, located.lon, located.precision, located.place "
        f"FROM ({located_sql}) AS located"
    )
    count, keys, countries, places = 0, [], {}, []
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, (*selected_params, *located_params))
        for part, n, part_keys, code, lat, lon, precision, place in cursor.fetchall():
            if part == 0:
                count, keys = n, list(part_keys or ())
            elif part == 1:
                countries[code] = n
            else:
                places.append({"lat": lat, "lon": lon, "precision": precision, "place": place, "n": n})
    return count, keys, countries, places


def _summarise_in_python(rows, ordering, cap):
    selected = list(
        rows.order_by(*ordering).values_list("pk", "country_codes", "latitude", "longitude", "geo_precision", _place())[
            : cap + 1
        ]
    )
    countries, places = Counter(), Counter()
    for _pk, codes, lat, lon, precision, place in selected[:cap]:
        countries.update(codes)
        if lat is not None:
            places[(lat, lon, precision, place)] += 1
    located = [
        {"lat": lat, "lon": lon, "precision": precision, "place": place, "n": n}
        for (lat, lon, precision, place), n in places.items()
    ]
    return len(selected), [row[0] for row in selected], dict(countries), located


def summarise(rows, ordering, cap):
    """The ``Selection`` of ``rows`` (a filtered queryset of published events) in ``ordering`` (fields of the
    event, ``-`` for descending), read up to ``cap`` + 1 rows: one query."""
    try:
        if connections[rows.db].vendor == "postgresql":
            count, keys, countries, places = _summarise_postgresql(rows, ordering, cap)
        else:
            count, keys, countries, places = _summarise_in_python(rows, ordering, cap)
    except EmptyResultSet:  # filters that can select nothing
        return Selection(cap, 0)
    places.sort(key=lambda place: (-place["n"], place["place"] or ""))
    return Selection(cap, count, keys, countries, places)
