"""Writes that keep an event's derived fields true: its search document, its dispute flag, its country
codes, and the POW exchange tracker's summary of it."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from knowledgebase.core.search import document_text, every_language, refresh_search_vectors
from knowledgebase.events.models import EXPORT_FIELDS, Event, ExchangeSummary, Figure, MeasureKind
from knowledgebase.events.selectors import PRISONER_EXCHANGE
from knowledgebase.sources.claims import DEPRECATED, summarise_claims


def event_search_document(event: Event) -> str:
    """Title and summary in every language, place, type and every participant's names (in every language)
    and aliases (in every script), case-folded. The body is searched as a column of its own
    (``event_search_body``), with less weight."""
    names = []
    for participation in event.participations.all():
        if participation.actor_id:
            names.extend(every_language(participation.actor, "name"))
            names.extend(alias.name for alias in participation.actor.aliases.all())
        else:
            names.extend([*every_language(participation.organization, "name"), participation.organization.acronym])
    return document_text(
        *every_language(event, "title"),
        *every_language(event, "summary"),
        *every_language(event, "place_name"),
        event.region,
        *every_language(event.event_type, "name"),
        *names,
    )


def event_search_body(event: Event) -> str:
    """The body in every language, case-folded."""
    return document_text(*every_language(event, "body"))


def events_refresh_search_documents(*, events: QuerySet[Event]) -> int:
    """Rebuild the search columns of each event in the queryset ``events``."""
    rows = list(
        Event.objects.filter(pk__in=events.values("pk"))
        .select_related("event_type")
        .prefetch_related("participations__actor__aliases", "participations__organization")
    )
    for event in rows:
        event.search_document = event_search_document(event)
        event.search_body = event_search_body(event)
    Event.objects.bulk_update(rows, ["search_document", "search_body"], batch_size=500)
    refresh_search_vectors(Event.objects.filter(pk__in=[row.pk for row in rows]))
    return len(rows)


def disputed_event_ids(figures: Iterable[Figure]) -> set[int]:
    """Ids of the events among ``figures`` where some measure's live claims contradict each other."""
    by_measure = defaultdict(list)
    for figure in figures:
        by_measure[(figure.event_id, figure.measure_id)].append(figure)
    return {event_id for (event_id, _), claims in by_measure.items() if summarise_claims(claims).is_disputed}


@transaction.atomic
def events_refresh_dispute_flags(*, event_ids: Iterable[int]) -> set[int]:
    """Recompute ``has_disputed_figures`` for the given events from their figures."""
    event_ids = set(event_ids)
    figures = Figure.objects.filter(event_id__in=event_ids).only(
        "event_id", "measure_id", "value", "qualifier", "low", "high", "rank"
    )
    disputed = disputed_event_ids(figures)
    Event.objects.filter(pk__in=disputed).exclude(has_disputed_figures=True).update(has_disputed_figures=True)
    Event.objects.filter(pk__in=event_ids - disputed).exclude(has_disputed_figures=False).update(
        has_disputed_figures=False
    )
    return disputed


def _store_keys(event_ids, relation, column, key):
    """Store in the event's ``column`` the sorted keys of its ``relation`` (``key`` of each through row, as
    text): one read of the relation, and one update per distinct set of keys (many events share one)."""
    event_ids = set(event_ids)
    if not event_ids:
        return
    keys = defaultdict(list)
    through = getattr(Event, relation).through
    for event_id, value in through.objects.filter(event_id__in=event_ids).values_list("event_id", key):
        keys[event_id].append(str(value))
    by_keys = defaultdict(list)
    for event_id in event_ids:
        by_keys[tuple(sorted(keys.get(event_id, ())))].append(event_id)
    for shared, ids in by_keys.items():
        Event.objects.filter(pk__in=ids).update(**{column: list(shared)})


def events_refresh_country_codes(*, event_ids: Iterable[int]) -> None:
    """Store in ``country_codes`` the sorted codes of each event's countries."""
    _store_keys(event_ids, "countries", "country_codes", "country_id")


def events_refresh_theme_keys(*, event_ids: Iterable[int]) -> None:
    """Store in ``theme_keys`` the sorted keys of each event's themes."""
    _store_keys(event_ids, "themes", "theme_keys", "theme_id")


def export_cells(event_ids: Iterable[int]) -> dict[int, dict]:
    """{event id: the values of its ``export_*`` fields}, read from the relations they stand for: the country
    codes and theme slugs in the order they were recorded, the cited sources' titles, and each actor's and
    organisation's name with its role ("Name (role)"), in the order of the rows, '; '-joined as the export
    writes a cell of several values. Names in another language (the translation, else English, as
    ``core.translation.in_language`` reads them) go to ``export_translated`` where they differ."""
    from knowledgebase.core.translation import localized, other_languages
    from knowledgebase.events.models import Citation, Participation
    from knowledgebase.opendata.exports import MULTI_VALUE_SEPARATOR

    event_ids = set(event_ids)
    languages = other_languages()
    lists = defaultdict(lambda: defaultdict(list))
    countries = Event.countries.through.objects.filter(event_id__in=event_ids).order_by("pk")
    for event_id, code in countries.values_list("event_id", "country_id"):
        lists[event_id]["export_countries"].append(code)
    themes = Event.themes.through.objects.filter(event_id__in=event_ids).order_by("pk")
    for event_id, slug in themes.values_list("event_id", "theme__slug"):
        lists[event_id]["export_themes"].append(slug)
    citations = Citation.objects.filter(event_id__in=event_ids).order_by("pk")
    for event_id, title in citations.values_list("event_id", "source__title"):
        lists[event_id]["export_sources"].append(title)
    names = [
        (kind, field, [localized("name", language) for language in languages])
        for kind, field in (("actors", "actor"), ("organizations", "organization"))
    ]
    participations = Participation.objects.filter(event_id__in=event_ids).order_by("pk")
    columns = [f"{field}__{column}" for _kind, field, translated in names for column in ("name", *translated)]
    for event_id, actor_id, role, *values in participations.values_list("event_id", "actor_id", "role", *columns):
        width = 1 + len(languages)
        kind, _field, _translated = names[0 if actor_id is not None else 1]
        english, *translations = values[:width] if actor_id is not None else values[width:]
        lists[event_id][f"export_{kind}"].append(f"{english} ({role})")
        for language, name in zip(languages, translations, strict=True):
            lists[event_id][(language, kind)].append(f"{name or english} ({role})")
    cells = {}
    for event_id in event_ids:
        found = lists.get(event_id, {})
        row = {field: MULTI_VALUE_SEPARATOR.join(found.get(field, ())) for field in EXPORT_FIELDS[:-1]}
        translated = {}
        for language in languages:
            for kind in ("actors", "organizations"):
                text = MULTI_VALUE_SEPARATOR.join(found.get((language, kind), ()))
                if text != row[f"export_{kind}"]:
                    translated.setdefault(language, {})[kind] = text
        row["export_translated"] = translated
        cells[event_id] = row
    return cells


EXPORT_BATCH = 500


def events_refresh_export_cells(*, event_ids: Iterable[int]) -> None:
    """Rewrite the ``export_*`` fields of the given events from their relations (``export_cells``): for each
    batch of events, a read of each relation and an update of the rows whose cells changed."""
    ordered = sorted(set(event_ids))
    for start in range(0, len(ordered), EXPORT_BATCH):
        cells = export_cells(ordered[start : start + EXPORT_BATCH])
        changed = []
        for event in Event.objects.filter(pk__in=cells).only(*EXPORT_FIELDS):
            values = cells[event.pk]
            if any(getattr(event, field) != values[field] for field in EXPORT_FIELDS):
                for field in EXPORT_FIELDS:
                    setattr(event, field, values[field])
                changed.append(event)
        Event.objects.bulk_update(changed, EXPORT_FIELDS, batch_size=EXPORT_BATCH)


def relation_changed(*derived_names):
    """An ``m2m_changed`` handler of a relation of events kept on their rows (``Event.countries``,
    ``Event.themes``), whatever changes it (a form, an import, the demo's fixtures, the other side of the
    relation): the events whose relation changed are noted stale as each of ``derived_names``
    (``core.derived``: refreshed once at the end of the write's batch, or at once outside one)."""

    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        from knowledgebase.core import derived

        if action == "pre_clear" and reverse:
            # A country (or theme) losing every event: which events, before they are gone from the relation.
            instance._events_losing_link = list(instance.events.values_list("pk", flat=True))
            return
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            ids = {instance.pk}
        elif action == "post_clear":
            ids = set(getattr(instance, "_events_losing_link", ()))
        else:
            ids = set(pk_set or ())
        derived.note({name: ids for name in derived_names})

    return changed


@transaction.atomic
def events_refresh_exchange_summaries(*, event_ids: Iterable[int]) -> None:
    """Rewrite the tracker's row (``ExchangeSummary``) of each of the given events: one for each published
    prisoner exchange, with its largest live sequence number (an ordinal claim that is not deprecated; the
    latest claim among equal numbers) and that claim; none for any other event. A few queries for up to
    ``core.derived.BATCH_SIZE`` events; an upsert, so that two writers of one exchange cannot collide."""
    event_ids = set(event_ids)
    if not event_ids:
        return
    dates = dict(
        Event.objects.published()
        .filter(pk__in=event_ids, event_type__slug=PRISONER_EXCHANGE)
        .values_list("pk", "start_date")
    )
    largest = {}
    if dates:
        claims = (
            Figure.objects.filter(event_id__in=dates, measure__kind=MeasureKind.ORDINAL)
            .exclude(rank=DEPRECATED)
            .order_by("event_id", "-value", "-id")
            .values_list("event_id", "pk", "value")
        )
        for event_id, figure_id, value in claims:
            largest.setdefault(event_id, (figure_id, value))
    ExchangeSummary.objects.filter(event_id__in=event_ids - dates.keys()).delete()
    ExchangeSummary.objects.bulk_create(
        [
            ExchangeSummary(event_id=pk, start_date=start_date, sequence_figure_id=figure_id, sequence_number=number)
            for pk, start_date in dates.items()
            for figure_id, number in [largest.get(pk, (None, None))]
        ],
        update_conflicts=True,
        unique_fields=["event"],
        update_fields=["start_date", "sequence_number", "sequence_figure"],
    )
