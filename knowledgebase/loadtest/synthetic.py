"""Synthetic data for load tests: realistic spreads, deterministic, labelled, removable in one command.

Every row made here is marked twice. For the code, the ids of the events, statistics,
actors, organisations and sources it makes are recorded in ``SyntheticIdRange`` (figures,
participations and links belong to synthetic events), so the product's tables carry no
marking of their own. For a reader, every title says "Synthetic" (``Synthetic source 12``,
``Synthetic prisoner exchange in Ukraine, number 7``). Nothing here is ever written to
fixtures/ or loaded by the demo.
"""

import datetime
import random
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from knowledgebase.actors.models import Actor, ActorAlias, ActorKind, Organization, OrganizationKind, folded_names
from knowledgebase.actors.services import actors_refresh_search_names
from knowledgebase.core.models import Country, PublicationStatus, Theme
from knowledgebase.core.search import document_text, refresh_search_vectors
from knowledgebase.displacement.models import Cause, DisplacementStatistic, GeographyScope, Measurement, PopulationType
from knowledgebase.events.models import Event, EventType, Figure, Measure, Participation, ParticipationRole
from knowledgebase.events.services import events_refresh_exchange_summaries, events_refresh_export_cells
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.sources.claims import summarise_claims
from knowledgebase.sources.models import Qualifier, Reliability, Source

COUNTRIES = [
    "UA",
    "RU",
    "SY",
    "SD",
    "SS",
    "CD",
    "AF",
    "MM",
    "YE",
    "SO",
    "ET",
    "NG",
    "ML",
    "BF",
    "IQ",
    "LY",
    "CO",
    "VE",
    "HT",
    "PS",
]
FIRST_DAY = datetime.date(2014, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)
BATCH = 5000
ROLES = [role for role, _label in ParticipationRole.choices]
QUALIFIERS = [Qualifier.EXACT] * 6 + [Qualifier.ABOUT, Qualifier.MORE_THAN, Qualifier.UP_TO]
PUBLIC_ID_PREFIX = "syn"


@dataclass
class Sizes:
    events: int
    actors: int = 1000
    organizations: int = 200
    sources: int = 500
    #: Displacement statistics; half the events unless given.
    statistic_count: int | None = None

    @property
    def statistics(self):
        return 5 * self.events // 10 if self.statistic_count is None else self.statistic_count


def insert(model, objects):
    """Insert many rows fast: COPY on PostgreSQL (ids kept when set), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH)
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and objects and getattr(objects[0], field.attname) is None)
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        # The values are plain Python (str, int, date, datetime, bool, None), which psycopg adapts itself, but
        # for a JSON field's (a dict or a list), which it must be told is JSON.
        names = [(field.attname, isinstance(field, models.JSONField)) for field in fields]
        for obj in objects:
            copy.write_row([Jsonb(getattr(obj, name)) if is_json else getattr(obj, name) for name, is_json in names])


def reserve_ids(model, count):
    """Take ``count`` ids from the table's sequence (PostgreSQL), so rows can be copied with their ids."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return [row[0] for row in cursor.fetchall()]


def insert_synthetic(model, objects, key):
    """Insert rows of a marked model fast (ids reserved from the sequence on PostgreSQL) and record their ids."""
    if connection.vendor == "postgresql":
        for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
            obj.pk = pk
    insert(model, objects)
    record_ids(model, objects, key)


def record_ids(model, objects, key):
    """Record the ids of ``objects``, just inserted, as synthetic; ``key`` (a unique field) finds ids not returned."""
    if any(obj.pk is None for obj in objects):
        values = [getattr(obj, key) for obj in objects]
        ids = dict(model.objects.filter(**{f"{key}__in": values}).values_list(key, "pk"))
        for obj in objects:
            obj.pk = ids[getattr(obj, key)]
    runs = []
    for pk in sorted(obj.pk for obj in objects):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    SyntheticIdRange.objects.bulk_create(
        SyntheticIdRange(model=model._meta.label_lower, first_id=first, last_id=last) for first, last in runs
    )


def synthetic_public_id(kind, number):
    return f"{PUBLIC_ID_PREFIX}{kind}{number:08d}"


class Generator:
    """Creates the synthetic rows in batches with bulk inserts; ``seed`` makes every run identical."""

    def __init__(self, sizes, seed=20240103, log=None):
        self.sizes = sizes
        self.rng = random.Random(seed)
        self.log = log or (lambda message: None)
        self.now = timezone.now()

    def run(self):
        self.countries = list(Country.objects.filter(code__in=COUNTRIES).order_by("code"))
        self.types = list(EventType.objects.order_by("pk"))
        self.themes = list(Theme.objects.order_by("pk"))
        self.measures = list(Measure.objects.order_by("pk"))
        if not (self.types and self.themes and self.measures):
            raise RuntimeError("Load the reference data first: manage.py load_demo --reference-only")
        with transaction.atomic():
            self.make_organizations()
            self.make_actors()
            self.make_sources()
        start = self.existing(Event)
        for first in range(start, self.sizes.events, BATCH):
            with transaction.atomic():
                self.make_events(first, min(first + BATCH, self.sizes.events))
            self.log(f"events {min(first + BATCH, self.sizes.events):,}/{self.sizes.events:,}")
        start = self.existing(DisplacementStatistic)
        for first in range(start, self.sizes.statistics, BATCH):
            with transaction.atomic():
                self.make_statistics(first, min(first + BATCH, self.sizes.statistics))
        self.log(f"statistics {self.sizes.statistics:,}")

    def existing(self, model):
        return SyntheticIdRange.objects.rows(model).count()

    def make_organizations(self):
        have = self.existing(Organization)
        kinds = [kind for kind, _label in OrganizationKind.choices]
        made = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Synthetic organisation {n}",
                    search_names=folded_names(f"Synthetic organisation {n}"),
                    slug=f"synthetic-organisation-{n}",
                    kind=self.rng.choice(kinds),
                    country=self.rng.choice(self.countries),
                )
                for n in range(have, self.sizes.organizations)
            ],
            batch_size=BATCH,
        )
        record_ids(Organization, made, "slug")
        self.organizations = list(SyntheticIdRange.objects.rows(Organization).order_by("pk"))

    def make_actors(self):
        have = self.existing(Actor)
        kinds = [kind for kind, _label in ActorKind.choices]
        made = Actor.objects.bulk_create(
            [
                Actor(
                    name=f"Synthetic actor {n}",
                    search_names=folded_names(f"Synthetic actor {n}"),
                    slug=f"synthetic-actor-{n}",
                    kind=self.rng.choice(kinds),
                    country=self.rng.choice(self.countries),
                )
                for n in range(have, self.sizes.actors)
            ],
            batch_size=BATCH,
        )
        record_ids(Actor, made, "slug")
        self.actors = list(SyntheticIdRange.objects.rows(Actor).order_by("pk"))
        if have == 0:
            ActorAlias.objects.bulk_create(
                [ActorAlias(actor=actor, name=f"{actor.name} alias", kind="alias") for actor in self.actors[::10]],
                batch_size=BATCH,
            )
            aliased = [actor.pk for actor in self.actors[::10]]
            actors_refresh_search_names(actors=Actor.objects.filter(pk__in=aliased))
        of_synthetic_actors = SyntheticIdRange.objects.covering(Actor, "actor_id")
        self.aliases = dict(ActorAlias.objects.filter(of_synthetic_actors).values_list("actor_id", "name"))

    def make_sources(self):
        have = self.existing(Source)
        grades = [grade for grade, _label in Reliability.choices]
        made = Source.objects.bulk_create(
            [
                Source(
                    title=f"Synthetic source {n}",
                    slug=f"synthetic-source-{n}",
                    kind="report",
                    publisher=self.rng.choice(self.organizations),
                    reliability=self.rng.choice(grades),
                    published_date=self.random_date(),
                )
                for n in range(have, self.sizes.sources)
            ],
            batch_size=BATCH,
        )
        record_ids(Source, made, "slug")
        self.sources = list(SyntheticIdRange.objects.rows(Source).order_by("pk"))

    def random_date(self):
        span = (LAST_DAY - FIRST_DAY).days
        return FIRST_DAY + datetime.timedelta(days=self.rng.randrange(span))

    def make_events(self, first, last):
        rng = self.rng
        events, plans = [], []
        for n in range(first, last):
            event_type = rng.choice(self.types)
            countries = rng.sample(self.countries, rng.choice([1, 1, 2]))
            participants = rng.sample(self.actors, rng.randint(1, 4))
            title = f"Synthetic {event_type.name.lower()} in {countries[0].name}, number {n}"
            summary = f"Synthetic event {n} for load tests: {event_type.name} concerning {countries[0].name}."
            names = [part for actor in participants for part in (actor.name, self.aliases.get(actor.pk))]
            events.append(
                Event(
                    public_id=synthetic_public_id("e", n),
                    title=title,
                    slug=f"synthetic-event-{n}",
                    event_type=event_type,
                    start_date=self.random_date(),
                    date_precision="day",
                    geo_precision="country",
                    summary=summary,
                    status=PublicationStatus.PUBLISHED,
                    first_published_at=self.now,
                    search_document=document_text(title, summary, event_type.name, *names),
                    country_codes=[country.code for country in countries],
                )
            )
            plans.append((countries, participants, rng.sample(self.themes, rng.randint(1, 2)), rng.randint(1, 5)))
            events[-1].theme_keys = [theme.pk for theme in plans[-1][2]]
        insert_synthetic(Event, events, "public_id")
        refresh_search_vectors(Event.objects.filter(pk__in=[event.pk for event in events]))
        self.link_events(events, plans)

    def link_events(self, events, plans):
        rng = self.rng
        country_links, theme_links, participations, figures = [], [], [], []
        disputed = []
        for event, (countries, participants, themes, figure_count) in zip(events, plans, strict=True):
            country_links += [Event.countries.through(event_id=event.pk, country_id=c.code) for c in countries]
            theme_links += [Event.themes.through(event_id=event.pk, theme_id=t.pk) for t in themes]
            participations += [
                Participation(event_id=event.pk, actor=actor, role=rng.choice(ROLES)) for actor in participants
            ]
            claims = [self.figure(event, n) for n in range(figure_count)]
            figures += claims
            by_measure = {}
            for claim in claims:
                by_measure.setdefault(claim.measure_id, []).append(claim)
            if any(summarise_claims(group).is_disputed for group in by_measure.values()):
                disputed.append(event.pk)
        insert(Event.countries.through, country_links)
        insert(Event.themes.through, theme_links)
        insert(Participation, participations)
        insert(Figure, figures)
        Event.objects.filter(pk__in=disputed).update(has_disputed_figures=True)
        events_refresh_exchange_summaries(event_ids=[event.pk for event in events])
        events_refresh_export_cells(event_ids=[event.pk for event in events])

    def figure(self, event, n):
        rng = self.rng
        value = rng.choice([rng.randint(1, 300), rng.randint(100, 5000), rng.randint(1000, 200000)])
        by_actor = rng.random() < 0.6
        return Figure(
            public_id=f"{event.public_id}f{n}",
            event_id=event.pk,
            measure=rng.choice(self.measures),
            value=value,
            qualifier=rng.choice(QUALIFIERS),
            claimant_actor=rng.choice(self.actors) if by_actor else None,
            claimant_organization=None if by_actor else rng.choice(self.organizations),
            source=rng.choice(self.sources),
            as_of_date=event.start_date,
        )

    def make_statistics(self, first, last):
        rng = self.rng
        types = [value for value, _label in PopulationType.choices]
        causes = [value for value, _label in Cause.choices]
        rows = []
        for n in range(first, last):
            origin, host = rng.choice(self.countries), rng.choice(self.countries)
            measurement = rng.choice([Measurement.STOCK, Measurement.STOCK, Measurement.FLOW])
            as_of = self.random_date()
            rows.append(
                DisplacementStatistic(
                    public_id=synthetic_public_id("s", n),
                    title=f"Synthetic statistic {n}",
                    population_type=rng.choice(types),
                    cause=rng.choice(causes),
                    measurement=measurement,
                    origin_scope=GeographyScope.COUNTRY,
                    origin_country=origin,
                    host_scope=GeographyScope.COUNTRY,
                    host_country=host,
                    value=rng.randint(100, 5_000_000),
                    qualifier=Qualifier.EXACT,
                    as_of_date=as_of if measurement == Measurement.STOCK else None,
                    period_start=None if measurement == Measurement.STOCK else as_of.replace(month=1, day=1),
                    period_end=None if measurement == Measurement.STOCK else as_of,
                    claimant_organization=rng.choice(self.organizations),
                    source=rng.choice(self.sources),
                    status=PublicationStatus.PUBLISHED,
                    first_published_at=self.now,
                )
            )
        insert_synthetic(DisplacementStatistic, rows, "public_id")
