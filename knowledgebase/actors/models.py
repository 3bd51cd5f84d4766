"""The "who": parties and people (actors) and the organisations that publish and mediate."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.fields import URLField
from knowledgebase.core.models import Country, SlugNaturalKeyManager, TimeStamped

WIKIDATA_QID_REGEX = r"^Q[1-9][0-9]*$"


def hierarchy_constraints(prefix, *, own_parent, taken_qid):
    """What holds for actors and organisations alike: not their own parent, a unique, well-formed QID."""
    return [
        models.CheckConstraint(
            condition=~Q(parent=F("pk")), name=f"{prefix}_not_own_parent", violation_error_message=own_parent
        ),
        models.UniqueConstraint(
            fields=["wikidata_qid"],
            condition=~Q(wikidata_qid=""),
            name=f"{prefix}_unique_wikidata_qid",
            violation_error_message=taken_qid,
        ),
        models.CheckConstraint(
            condition=Q(wikidata_qid="") | Q(wikidata_qid__regex=WIKIDATA_QID_REGEX),
            name=f"{prefix}_wikidata_qid_format",
            violation_error_message=_("A Wikidata QID is a Q followed by digits, e.g. Q212."),
        ),
    ]


class ActorKind(models.TextChoices):
    STATE = "state", _("State")
    GOVERNMENT_BODY = "government-body", _("Government body")
    ARMED_FORCE = "armed-force", _("Armed force or unit")
    ARMED_GROUP = "armed-group", _("Armed group")
    OFFICIAL = "official", _("Official")
    PERSON = "person", _("Other person")
    OTHER = "other", _("Other or unnamed party")


#: Separates the names in ``search_names``: a query never holds one, so it never matches across two names.
NAME_SEPARATOR = "\n"


def folded_names(*names):
    """The ``search_names`` of a row: each non-empty name, whitespace collapsed and case-folded (see
    ``core.search`` for why folded in Python), each once, one a line."""
    folded = (" ".join(str(name).split()).casefold() for name in names if name)
    return NAME_SEPARATOR.join(dict.fromkeys(name for name in folded if name))


def name_query(query):
    """The query as ``search_names`` is matched with: whitespace collapsed, case-folded."""
    return " ".join((query or "").replace("\x00", " ").split()).casefold()


class NameSearchQuerySet(models.QuerySet):
    def search(self, query):
        """Rows one of whose names (in any language or script, aliases included) contains the query, in any
        case: one condition on the row's own ``search_names`` column, no join."""
        query = name_query(query)
        if not query:
            return self.none()
        return self.filter(search_names__contains=query)


class ActorQuerySet(NameSearchQuerySet):
    pass


class ActorManager(SlugNaturalKeyManager.from_queryset(ActorQuerySet)):
    pass


class Actor(TimeStamped):
    """A party or person that acts in events: a state, a government body, an armed unit, an official."""

    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "The usual name in English, e.g. Viktor Medvedchuk; other spellings and transliterations go under aliases."
        ),
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The name in lower-case letters, digits and hyphens, filled in as you type it: the address of the "
            "actor's page, e.g. viktor-medvedchuk in /actors/viktor-medvedchuk/. Changing it breaks links."
        ),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ActorKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
        help_text=_("The country the actor belongs to or acts for, if any."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("affiliated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "The actor this one belongs or is subordinated to: a minister's government, a battalion's command."
        ),
    )
    position = models.CharField(
        _("position or role"),
        max_length=200,
        blank=True,
        help_text=_("For officials: the office as the source states it, e.g. 'Foreign Minister'."),
    )
    description = models.TextField(_("description"), blank=True)
    wikidata_qid = models.CharField(
        _("Wikidata QID"),
        max_length=20,
        blank=True,
        help_text=_(
            "The actor's Wikidata item: Q and the digits at the end of its address on wikidata.org, e.g. Q212 "
            "for Ukraine. It joins this record to other datasets."
        ),
    )
    acled_actor_name = models.CharField(
        _("ACLED actor name"),
        max_length=200,
        blank=True,
        help_text=_(
            "The actor's name in ACLED data (the actor1 and actor2 columns of an ACLED export), if it differs, "
            "e.g. 'Military Forces of Russia (2000-)'."
        ),
    )
    # The name in every language and every alias, case-folded, one a line (``actors.services``).
    search_names = models.TextField(editable=False, blank=True)

    objects = ActorManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        constraints = hierarchy_constraints(
            "actor",
            own_parent=_("An actor cannot be affiliated to itself."),
            taken_qid=_("Another actor already has this Wikidata QID."),
        )

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:actor-detail", kwargs={"slug": self.slug})


class AliasKind(models.TextChoices):
    ALIAS = "alias", _("Other name")
    TRANSLITERATION = "transliteration", _("Transliteration")
    MISSPELLING = "misspelling", _("Misspelling found in sources")
    ABBREVIATION = "abbreviation", _("Abbreviation")
    FORMER_NAME = "former-name", _("Former name")


class ActorAliasManager(models.Manager):
    def get_by_natural_key(self, actor_slug, name):
        return self.get(actor__slug=actor_slug, name=name)


class ActorAlias(models.Model):
    """Another name under which an actor appears: a transliteration, an abbreviation, a source's misspelling."""

    actor = models.ForeignKey(Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_(
            "Another name as sources write it, in any script, e.g. the Cyrillic spelling or a transliteration "
            "such as Medvedchuck."
        ),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AliasKind.choices, default=AliasKind.ALIAS)
    language = models.CharField(_("language"), max_length=16, blank=True, help_text=_("ISO 639-1 code, e.g. uk, ru."))

    objects = ActorAliasManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "name"],
                name="alias_unique_per_actor",
                violation_error_message=_("This actor already has this alias."),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.actor.slug, self.name)

    natural_key.dependencies = ["actors.actor"]


class OrganizationKind(models.TextChoices):
    NGO = "ngo", _("Non-governmental organisation")
    UN_AGENCY = "un-agency", _("UN agency")
    INTERNATIONAL_BODY = "international-body", _("International body")
    RESEARCH_INSTITUTE = "research-institute", _("Research institute or think tank")
    MEDIA = "media", _("Media outlet")
    COORDINATION_BODY = "coordination-body", _("Coordination body")
    OTHER = "other", _("Other")


class OrganizationQuerySet(NameSearchQuerySet):
    pass


class OrganizationManager(SlugNaturalKeyManager.from_queryset(OrganizationQuerySet)):
    pass


class Organization(TimeStamped):
    """An NGO, UN agency, international body, research institute or media outlet: publishes sources, authors briefs."""

    name = models.CharField(
        _("name"), max_length=200, help_text=_("The full name in English, e.g. Institute for the Study of War.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The name in lower-case letters, digits and hyphens, filled in as you type it: the address of the "
            "organisation's page, e.g. /organizations/institute-for-the-study-of-war/. Changing it breaks links."
        ),
    )
    acronym = models.CharField(_("acronym"), max_length=30, blank=True, help_text=_("e.g. ISW, UNHCR."))
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organizations",
        help_text=_("Where it is based; leave empty for international bodies."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("The organisation this one belongs to, e.g. the United Nations for UNHCR."),
    )
    website = URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    wikidata_qid = models.CharField(
        _("Wikidata QID"),
        max_length=20,
        blank=True,
        help_text=_(
            "The organisation's Wikidata item: Q and the digits at the end of its address on wikidata.org, "
            "e.g. Q1065 for the United Nations."
        ),
    )
    # The name in every language and the acronym, case-folded, one a line (``actors.services``).
    search_names = models.TextField(editable=False, blank=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = hierarchy_constraints(
            "organization",
            own_parent=_("An organisation cannot be part of itself."),
            taken_qid=_("Another organisation already has this Wikidata QID."),
        )

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("actors:organization-detail", kwargs={"slug": self.slug})
