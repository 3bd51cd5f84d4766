"""Events, their type taxonomy, who took part, and the attributed figures about them."""

from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.query import ModelIterable
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.fields import CodeListField
from knowledgebase.core.models import (
    Country,
    Publishable,
    PublishableQuerySet,
    SlugNaturalKeyManager,
    Theme,
    generate_public_id,
)
from knowledgebase.core.search import search_queryset
from knowledgebase.sources.models import AttributedValue, Source, attributed_value_constraints


class EventCategory(models.Model):
    """Top level of the event taxonomy: detention and POWs, displacement, conflict, diplomacy."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("e.g. 'Detention and POWs'."))
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "The category in filter addresses, e.g. detention-and-pows in /events/?category=detention-and-pows. "
            "Lower-case letters, digits and hyphens; changing it breaks saved links."
        ),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists and filters: the lowest number comes first.")
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("event category")
        verbose_name_plural = _("event categories")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class EventType(models.Model):
    """A kind of event within a category, e.g. prisoner exchange (detention and POWs)."""

    category = models.ForeignKey(
        EventCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="types"
    )
    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("e.g. 'Prisoner exchange'."))
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "The type in filter addresses, e.g. prisoner-exchange in /events/?type=prisoner-exchange. "
            "Lower-case letters, digits and hyphens; changing it breaks saved links."
        ),
    )
    description = models.TextField(_("description"), blank=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["category__position", "name"]
        verbose_name = _("event type")
        verbose_name_plural = _("event types")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class DatePrecision(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    SEASON = "season", _("Season")
    YEAR = "year", _("Year")
    APPROXIMATE = "approximate", _("Approximate")


class GeoPrecision(models.TextChoices):
    EXACT = "exact", _("Exact point")
    NEAR = "near", _("Near a place")
    REGION = "region", _("Region")
    COUNTRY = "country", _("Country")


# Columns of an event that no list row shows (``EventQuerySet.for_list``): the body in every language and
# the stored search columns.
LIST_DEFERRED_FIELDS = (
    "body",
    *(f"body_{code}" for code, _name in settings.LANGUAGES),
    "search_document",
    "search_body",
    "search_vector",
)


# The ``Event`` fields that hold the downloads' cells (``events.services.export_cells`` writes them): the texts,
# then the translated names. Derived, so kept out of the history.
EXPORT_FIELDS = (
    "export_countries",
    "export_themes",
    "export_sources",
    "export_actors",
    "export_organizations",
    "export_translated",
)


def countries_by_code():
    """{code: Country} of every country, read once per content version (``memoised``)."""
    from knowledgebase.serving.content_version import memoised

    return memoised("events.countries-by-code", lambda: {country.code: country for country in Country.objects.all()})


def country_names():
    """{code: name} of every country, in the active language, read once per content version: a list row names
    its countries from ``Event.country_codes`` with no query of its own (nor a prefetch per page)."""
    from knowledgebase.serving.content_version import memoised

    return memoised(
        "events.country-names", lambda: {code: country.name for code, country in countries_by_code().items()}
    )


class ListRowLinks:
    """What a list row links to, worked out once for a whole list: its page and its countries' profiles
    (two ``reverse`` and one lookup of the countries' names, not one of each per row)."""

    def __init__(self):
        self.names = country_names()
        self.event_url = reverse("events:detail", kwargs={"key": "KEY"}).replace("/KEY/", "/{}/")
        self.country_url = reverse("countries:detail", kwargs={"code": "ZZ"}).replace("/ZZ/", "/{}/")

    def countries(self, codes):
        """[(name, profile URL)] of ``codes``, in name order."""
        named = sorted((self.names.get(code, code), code) for code in codes)
        return [(name, self.country_url.format(code)) for name, code in named]

    def attach(self, event):
        event.__dict__["list_url"] = self.event_url.format(event.public_id)
        event.__dict__["country_links"] = self.countries(event.country_codes)
        return event


class ListRowIterable(ModelIterable):
    """Events as list rows: each with its ``list_url`` and ``country_links`` already worked out."""

    def __iter__(self):
        links = None
        for event in super().__iter__():
            links = links or ListRowLinks()
            yield links.attach(event)


class EventQuerySet(PublishableQuerySet):
    def search(self, query):
        return search_queryset(self, query)

    def for_list(self):
        """What a list row shows: its type in the same query, its countries from its own ``country_codes``
        (``Event.country_links``: no prefetch, no query); not the long texts a row never shows (the body in
        every language, the search columns), which made every sorted row of a filtered list several times
        wider. The rows come with their links worked out once for the list (``ListRowIterable``)."""
        rows = self.select_related("event_type").defer(*LIST_DEFERRED_FIELDS)
        rows._iterable_class = ListRowIterable
        return rows


class EventManager(models.Manager.from_queryset(EventQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


class Event(Publishable):
    """Something that happened at a time and a place: an exchange, a report of abuse, an advance."""

    public_id = models.SlugField(
        _("public identifier"),
        max_length=16,
        unique=True,
        default=generate_public_id,
        editable=False,
        help_text=_(
            "Given by the site when the event is created, e.g. 74pfk83e in /events/74pfk83e/. Part of the "
            "permalink: it never changes, even when the title does. Search for it to find the event."
        ),
    )
    title = models.CharField(
        _("title"),
        max_length=300,
        help_text=_("What happened, in a line, e.g. 'Russia and Ukraine exchange 230 prisoners of war'."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The title in lower-case letters, digits and hyphens, filled in as you type it, e.g. "
            "russia-ukraine-pow-exchange-2024-01. /events/ followed by the slug leads to the event's permalink."
        ),
    )
    event_type = models.ForeignKey(
        EventType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("What kind of event it is, e.g. prisoner exchange; the type decides the category."),
    )
    start_date = models.DateField(
        _("date"),
        help_text=_(
            "The day it happened or began. For an event dated to a week, month, season or year, the first day "
            "of it (2023-06-01 for summer 2023), and set the date precision."
        ),
    )
    end_date = models.DateField(
        _("end date"),
        null=True,
        blank=True,
        help_text=_("For an event over several days, the last day. Leave empty for a single day."),
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=16,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "How exactly the source dates the event: 'Day' for 3 January 2024, 'Month' for January 2024, "
            "'Approximate' for 'in early January'. Pages and downloads show the date to this precision only."
        ),
    )
    date_note = models.CharField(
        _("date note"),
        max_length=200,
        blank=True,
        help_text=_("How the source dates it when it is vague, e.g. 'over the past few weeks'."),
    )
    countries = models.ManyToManyField(
        Country,
        verbose_name=_("countries"),
        related_name="events",
        blank=True,
        help_text=_("Every country the event concerns: an exchange concerns both sides."),
    )
    region = models.CharField(
        _("region"), max_length=200, blank=True, help_text=_("Oblast, province or area, e.g. Donetsk Oblast.")
    )
    place_name = models.CharField(
        _("place"),
        max_length=200,
        blank=True,
        help_text=_("Town, village or site as the source names it, e.g. Avdiivka."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("Decimal degrees, north positive, e.g. 48.13945. Give both coordinates, or neither."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        help_text=_("Decimal degrees, east positive, e.g. 37.74255."),
    )
    geo_precision = models.CharField(
        _("geographic precision"),
        max_length=16,
        choices=GeoPrecision.choices,
        default=GeoPrecision.COUNTRY,
        help_text=_(
            "How exactly the event is located: 'Exact point' for a site with its coordinates (required then), "
            "'Near a place' for 'outside Avdiivka', 'Region' or 'Country' when the source says no more. Maps "
            "draw the event at this precision."
        ),
    )
    summary = models.TextField(_("summary"), help_text=_("One or two sentences readers see in lists."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown. Raw HTML is removed."))
    account_source = models.ForeignKey(
        Source,
        verbose_name=_("body quoted from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The source whose words the body reproduces: the event page shows the body as a quotation from it. "
            "Leave empty when the body is written in your own words."
        ),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        related_name="events",
        blank=True,
        help_text=_(
            "The subjects readers filter by, e.g. 'POWs and detainees'; choose every one that applies. "
            "A reviewer adds new themes."
        ),
    )
    related_events = models.ManyToManyField(
        "self",
        verbose_name=_("related events"),
        blank=True,
        help_text=_("Events this one follows from or leads to, e.g. the exchange that ended a freeze of exchanges."),
    )
    sources = models.ManyToManyField(Source, through="Citation", related_name="events", blank=True)
    acled_event_id = models.CharField(
        _("ACLED event id"),
        max_length=40,
        blank=True,
        help_text=_(
            "The event's identifier in ACLED (Armed Conflict Location & Event Data), from the event_id_cnty "
            "column of an ACLED export, e.g. UKR123456. Leave empty when ACLED has not recorded the event."
        ),
    )
    glide_number = models.CharField(
        _("GLIDE number"),
        max_length=40,
        blank=True,
        help_text=_(
            "The disaster's GLobal IDEntifier from glidenumber.net: hazard, year, number and country, e.g. "
            "FL-2023-000115-UKR for a flood. Only disasters have one."
        ),
    )
    wikidata_qid = models.CharField(
        _("Wikidata QID"),
        max_length=20,
        blank=True,
        help_text=_(
            "The event's Wikidata item: Q and the digits at the end of its address on wikidata.org, e.g. "
            "Q110999040. Leave empty when Wikidata has no item for it."
        ),
    )
    has_disputed_figures = models.BooleanField(
        _("has disputed figures"),
        default=False,
        editable=False,
        db_index=True,
        help_text=_(
            "Set by the site when the claims about one of the event's measures contradict each other; the "
            "event's page then shows every claim and the range."
        ),
    )
    is_pinned = models.BooleanField(
        _("pinned on the home page"),
        default=False,
        help_text=_("Featured first on the home page while it is published. Only a reviewer can pin or unpin."),
    )
    # The codes of ``countries``, sorted: the country filter reads the row instead of joining (GIN-indexed
    # with the type on PostgreSQL). Rebuilt whenever the relation changes (``events.services``).
    country_codes = CodeListField(_("country codes"))
    # The keys of ``themes``, likewise: the theme filter reads them from the list's covering index instead of
    # looking each event up in the relation (migration 0019). Rebuilt whenever the relation changes.
    theme_keys = CodeListField(_("theme keys"), max_length=12)
    # The downloads' cells of several values, '; '-joined as the export writes them (``events.exports``), so
    # that a download reads the row, not four relations: the country codes and the theme slugs in the order
    # they were recorded, the titles of the cited sources, the actors and the organisations with their roles
    # (in English; ``export_translated`` holds {language: {"actors": …, "organizations": …}} where another
    # language's names differ). Rebuilt whenever what they show changes (``events.services``).
    export_countries = models.TextField(editable=False, blank=True, default="")
    export_themes = models.TextField(editable=False, blank=True, default="")
    export_sources = models.TextField(editable=False, blank=True, default="")
    export_actors = models.TextField(editable=False, blank=True, default="")
    export_organizations = models.TextField(editable=False, blank=True, default="")
    export_translated = models.JSONField(editable=False, blank=True, default=dict)
    search_document = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)  # the body in every language, case-folded
    # Kept up to date on PostgreSQL only (see core.search); an unused column on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = EventManager()
    history = HistoricalRecords(
        excluded_fields=[
            "search_document",
            "search_body",
            "search_vector",
            "has_disputed_figures",
            "country_codes",
            "theme_keys",
            *EXPORT_FIELDS,
            "updated_at",
        ]
    )
    #: Fields only a reviewer may change, whatever the status (core.services): what the home page features.
    reviewer_fields = ("is_pinned",)

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        permissions = [("publish_event", _("Can publish and retract events"))]
        # On PostgreSQL, migrations 0018 and 0019 add partial indexes of published events that the public list
        # reads: a GIN over the type and the country codes, and covering indexes of the list's date order (with
        # the type, the dispute flag and the country codes) that index-only scans read.
        indexes = [
            # The list's default and oldest-first sorts, and date ranges.
            models.Index(fields=["status", "-start_date", "-id"], name="event_status_date_idx"),
            # The feeds' newest changes first, and the sitemap's latest change (Max of updated_at).
            models.Index(fields=["status", "-updated_at", "-id"], name="event_status_updated_idx"),
            # A type filter with the date sort.
            models.Index(fields=["event_type", "-start_date", "-id"], name="event_type_date_idx"),
            # The few pinned events of the home page.
            models.Index(fields=["-start_date", "-id"], condition=Q(is_pinned=True), name="event_pinned_idx"),
            # The maps' located events: few of all, found without reading every row.
            models.Index(
                fields=["id", "latitude", "longitude"], condition=Q(latitude__isnull=False), name="event_located_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="event_end_not_before_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="event_coordinates_valid",
                violation_error_message=_("Give both latitude (−90 to 90) and longitude (−180 to 180), or neither."),
            ),
            models.UniqueConstraint(
                fields=["acled_event_id"],
                condition=~Q(acled_event_id=""),
                name="event_unique_acled_id",
                violation_error_message=_("Another event already has this ACLED event id."),
            ),
            models.UniqueConstraint(
                fields=["wikidata_qid"],
                condition=~Q(wikidata_qid=""),
                name="event_unique_wikidata_qid",
                violation_error_message=_("Another event already has this Wikidata QID."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.public_id,)

    def get_absolute_url(self):
        return reverse("events:detail", kwargs={"key": self.public_id})

    @cached_property
    def list_url(self):
        """``get_absolute_url()``, which a list row reads (``for_list`` works it out for a whole list at once)."""
        return self.get_absolute_url()

    @cached_property
    def country_links(self):
        """[(name, profile URL)] of the event's countries in name order, as a list row shows them: from
        ``country_codes`` and the names kept per content version, without a query (``for_list`` works them
        out for a whole list at once)."""
        return ListRowLinks().countries(self.country_codes)

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        # What the reviewer-only fields held when read, so that the review gate needs no query to compare.
        event.stored_reviewer_values = {
            name: getattr(event, name) for name in cls.reviewer_fields if name in event.__dict__
        }
        return event

    def clean(self):
        super().clean()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if self.geo_precision == GeoPrecision.EXACT and self.latitude is None:
            raise ValidationError({"geo_precision": _("An exact point needs coordinates.")})


class ParticipationRole(models.TextChoices):
    PARTY = "party", _("Party")
    MEDIATOR = "mediator", _("Mediator")
    PERPETRATOR = "perpetrator", _("Alleged perpetrator")
    VICTIM = "victim", _("Victim or target")
    RELEASED = "released", _("Released or exchanged")
    ANNOUNCER = "announcer", _("Announcer")
    OBSERVER = "observer", _("Observer")


class ParticipationManager(models.Manager):
    def get_by_natural_key(self, event_public_id, actor_slug, organization_slug, role):
        return self.get(
            event__public_id=event_public_id,
            actor__slug=actor_slug or None,
            organization__slug=organization_slug or None,
            role=role,
        )


class Participation(models.Model):
    """An actor or an organisation taking part in an event, in a role."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "event"

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="participations")
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_("A state, an armed force, an official or another person. Search by any of their names."),
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participations",
        help_text=_("An NGO, a UN agency or another organisation. Choose an actor or an organisation, not both."),
    )
    role = models.CharField(
        _("role"),
        max_length=16,
        choices=ParticipationRole.choices,
        help_text=_("How they took part: a party to an exchange, its mediator, people released in it…"),
    )
    note = models.CharField(
        _("note"), max_length=300, blank=True, help_text=_("A few words on the role, e.g. 'mediated with Turkey'.")
    )

    objects = ParticipationManager()

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.CheckConstraint(
                condition=(Q(actor__isnull=False) & Q(organization__isnull=True))
                | (Q(actor__isnull=True) & Q(organization__isnull=False)),
                name="participation_one_participant",
                violation_error_message=_("Choose an actor or an organisation, not both."),
            ),
            models.UniqueConstraint(
                fields=["event", "actor", "role"],
                condition=Q(actor__isnull=False),
                name="participation_unique_actor_role",
                violation_error_message=_("This actor already has this role in the event."),
            ),
            models.UniqueConstraint(
                fields=["event", "organization", "role"],
                condition=Q(organization__isnull=False),
                name="participation_unique_organization_role",
                violation_error_message=_("This organisation already has this role in the event."),
            ),
        ]

    def __str__(self):
        return f"{self.participant} ({self.get_role_display()})"

    @property
    def participant(self):
        return self.actor or self.organization

    def natural_key(self):
        return (
            self.event.public_id,
            self.actor.slug if self.actor_id else "",
            self.organization.slug if self.organization_id else "",
            self.role,
        )

    natural_key.dependencies = ["events.event", "actors.actor", "actors.organization"]


class CitationManager(models.Manager):
    def get_by_natural_key(self, event_public_id, source_slug):
        return self.get(event__public_id=event_public_id, source__slug=source_slug)


class Citation(models.Model):
    """A source that reports an event, with the passage that does."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "event"

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="citations",
        help_text=_("Where the event is reported. A source not in the list is added with the + beside it."),
    )
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("The words of the source that report the event, copied exactly.")
    )
    locator = models.CharField(
        _("locator"),
        max_length=100,
        blank=True,
        help_text=_("Where in the source the passage is: a page, paragraph or timestamp, e.g. 'p. 12' or '01:23:45'."),
    )

    objects = CitationManager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "source"],
                name="citation_unique_source_per_event",
                violation_error_message=_("This source is already cited for this event."),
            )
        ]

    def __str__(self):
        return str(self.source)

    def natural_key(self):
        return (self.event.public_id, self.source.slug)

    natural_key.dependencies = ["events.event", "sources.source"]


class MeasureKind(models.TextChoices):
    COUNT = "count", _("Count")
    RETURNED = "returned", _("People returned to a country in an exchange")
    ORDINAL = "ordinal", _("Sequence number")


class Measure(models.Model):
    """What a figure counts, e.g. 'people returned to Ukraine'; an exchange has one per side."""

    name = models.CharField(
        _("name"),
        max_length=200,
        unique=True,
        help_text=_("What the figures count, e.g. 'People returned to Ukraine'."),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The name in lower-case letters, digits and hyphens, e.g. people-returned-to-ukraine: how downloads "
            "and spreadsheet imports name the measure. Changing it changes the downloads."
        ),
    )
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=MeasureKind.choices,
        default=MeasureKind.COUNT,
        help_text=_(
            "'People returned' for each side of an exchange (the exchange pages add them up by country), "
            "'Sequence number' for an exchange's number in a series, 'Count' for anything else."
        ),
    )
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For people returned in an exchange: the country they returned to."),
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order on event pages: the lowest number comes first.")
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=MeasureKind.RETURNED) | Q(country__isnull=False),
                name="measure_returned_has_country",
                violation_error_message=_("Say which country the people returned to."),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class FigureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(event__status="published")

    def with_attribution(self):
        return self.select_related("measure", "claimant_actor", "claimant_organization", "source__publisher")


class FigureManager(models.Manager.from_queryset(FigureQuerySet)):
    def get_by_natural_key(self, public_id):
        return self.get(public_id=public_id)


class Figure(AttributedValue):
    """A number about an event that someone claims: 230 returned to Ukraine, according to Lubinets."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "event"

    public_id = models.SlugField(
        _("public identifier"),
        max_length=16,
        unique=True,
        default=generate_public_id,
        editable=False,
        help_text=_(
            "Given by the site when the record is created, e.g. 3k9d02hx; it never changes. Downloads cite it, "
            "and a spreadsheet import matches its rows on it."
        ),
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="figures",
        help_text=_("The event the number is about; search for it by its title or public identifier."),
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.PROTECT,
        related_name="figures",
        help_text=_(
            "What the number counts, e.g. 'People returned to Ukraine'. Every claim about the same count takes "
            "the same measure: that is how the site compares them and finds disputes."
        ),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("What a reader needs to read the number right, e.g. 'includes two civilians'."),
    )

    objects = FigureManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure__position", "measure__name", "id"]
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            *attributed_value_constraints("figure"),
            models.UniqueConstraint(
                fields=["event", "measure"],
                condition=Q(rank="preferred"),
                name="figure_one_preferred_per_measure",
                violation_error_message=_("Another figure for this measure is already preferred."),
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.value}"

    def natural_key(self):
        return (self.public_id,)

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        excess = breakdown_excess(self.value, self.breakdowns.values_list("dimension", "value"))
        if excess:
            raise ValidationError({"value": excess})


class BreakdownDimension(models.TextChoices):
    SEX = "sex", _("Sex")
    STATUS = "status", _("Military or civilian")
    SERVICE = "service", _("Service or branch")
    POW_STATUS = "pow-status", _("POW status")


BREAKDOWN_EXCEEDS_FIGURE = _("The %(dimension)s breakdown adds up to %(subtotal)s, more than the figure (%(total)s).")


def breakdown_excess(total, parts):
    """The one rule of breakdowns: those along one dimension are parts of their figure, so they never add
    up to more than it. ``parts`` are (dimension, value) pairs; the error message, or None."""
    if total is None:
        return None
    subtotals = defaultdict(int)
    for dimension, value in parts:
        subtotals[dimension] += value or 0
    for dimension, subtotal in subtotals.items():
        if subtotal > total:
            label = BreakdownDimension(dimension).label.lower()
            return BREAKDOWN_EXCEEDS_FIGURE % {"dimension": label, "subtotal": subtotal, "total": total}
    return None


class FigureBreakdownManager(models.Manager):
    def get_by_natural_key(self, figure_public_id, dimension, category):
        return self.get(figure__public_id=figure_public_id, dimension=dimension, category=category)


class FigureBreakdown(models.Model):
    """Part of a figure: how many of the 230 were civilians, or served in the navy."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "figure.event"

    figure = models.ForeignKey(Figure, verbose_name=_("figure"), on_delete=models.CASCADE, related_name="breakdowns")
    dimension = models.CharField(
        _("dimension"),
        max_length=16,
        choices=BreakdownDimension.choices,
        help_text=_("How the figure is split, e.g. by sex; the parts along one dimension never add up to more."),
    )
    category = models.CharField(_("category"), max_length=100, help_text=_("e.g. 'civilian', 'female', 'Navy'."))
    value = models.PositiveBigIntegerField(_("value"), help_text=_("How many of the figure's number, e.g. 12."))

    objects = FigureBreakdownManager()

    class Meta:
        ordering = ["dimension", "category"]
        verbose_name = _("breakdown")
        verbose_name_plural = _("breakdowns")
        constraints = [
            models.UniqueConstraint(
                fields=["figure", "dimension", "category"],
                name="breakdown_unique_category",
                violation_error_message=_("This category is already given for this figure."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="breakdown_value_not_negative",
                violation_error_message=_("A count cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.category} {self.value}"

    def clean(self):
        super().clean()
        # The admin's breakdown formset checks the rows as edited together.
        if self.figure_id is None or self.value is None or getattr(self, "sum_checked_by_formset", False):
            return
        siblings = FigureBreakdown.objects.filter(figure_id=self.figure_id, dimension=self.dimension).exclude(
            pk=self.pk
        )
        excess = breakdown_excess(
            self.figure.value, [*siblings.values_list("dimension", "value"), (self.dimension, self.value)]
        )
        if excess:
            raise ValidationError({"value": excess})

    def natural_key(self):
        return (self.figure.public_id, self.dimension, self.category)

    natural_key.dependencies = ["events.figure"]


class ExchangeSummary(models.Model):
    """A published prisoner exchange as the POW exchange tracker counts it: its date, and the largest
    sequence number a live claim gives it ("the 49th exchange"), with that claim.

    Derived data, never entered: ``events.services.events_refresh_exchange_summaries`` rewrites an
    exchange's row whenever the exchange, its figures, a measure or the exchange type change, on every
    write path (``events.derived``). The tracker's count of exchanges, and the largest number the sources
    give, then read a few rows of this table instead of every figure of every exchange."""

    event = models.OneToOneField(
        Event, verbose_name=_("event"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    start_date = models.DateField(_("date"))
    sequence_number = models.PositiveBigIntegerField(_("sequence number"), null=True)
    # Kept when a figure is deleted outside the services (the row still counts the exchange); the next
    # refresh of the exchange finds its next largest claim.
    sequence_figure = models.ForeignKey(
        Figure, verbose_name=_("sequence claim"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("exchange summary")
        verbose_name_plural = _("exchange summaries")
        indexes = [
            # The largest live sequence number, the latest exchange first among equal numbers.
            models.Index(
                fields=["-sequence_number", "-start_date", "-sequence_figure"],
                condition=Q(sequence_figure__isnull=False),
                name="exchange_summary_sequence_idx",
            ),
            # How many exchanges up to a date.
            models.Index(fields=["start_date"], name="exchange_summary_date_idx"),
        ]

    def __str__(self):
        return str(self.event_id)
