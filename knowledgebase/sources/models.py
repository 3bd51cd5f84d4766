"""Sources (where something was said) and the base of every attributed number (who said it)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.fields import URLField
from knowledgebase.core.models import SlugNaturalKeyManager, TimeStamped


class SourceKind(models.TextChoices):
    ASSESSMENT = "assessment", _("Analysis or assessment")
    REPORT = "report", _("Report")
    NEWS = "news", _("News article")
    OFFICIAL_STATEMENT = "official-statement", _("Official statement")
    SOCIAL_MEDIA = "social-media", _("Social media post")
    DATASET = "dataset", _("Dataset")
    WEB_PAGE = "web-page", _("Web page")
    INTERVIEW = "interview", _("Interview")
    LEGAL_TEXT = "legal-text", _("Legal text")
    OTHER = "other", _("Other")


# Source reliability on the Admiralty (NATO STANAG 2511) scale, the convention
# in conflict data and intelligence work: A is completely reliable, F cannot be judged.
# A source nobody has assessed yet is "not graded" (empty), never F: F is a judgement.
class Reliability(models.TextChoices):
    NOT_GRADED = "", _("not graded")
    A = "A", _("A: completely reliable")
    B = "B", _("B: usually reliable")
    C = "C", _("C: fairly reliable")
    D = "D", _("D: not usually reliable")
    E = "E", _("E: unreliable")
    F = "F", _("F: reliability cannot be judged")


class SourceScale(models.TextChoices):
    LOCAL = "local", _("Local")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class Source(TimeStamped):
    """A publication or statement that reports facts or figures, with its reliability grade."""

    title = models.CharField(
        _("title"), max_length=300, help_text=_("As the source itself is titled, in its own language.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The title in lower-case letters, digits and hyphens, filled in as you type it, e.g. "
            "isw-2024-01-03-pow-exchange: how spreadsheet imports and exports name the source."
        ),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices)
    publisher = models.ForeignKey(
        Organization,
        verbose_name=_("publisher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text=_("The organisation that published it, e.g. the Institute for the Study of War, if any."),
    )
    author = models.CharField(
        _("author"), max_length=200, blank=True, help_text=_("The people who wrote it, as the source names them.")
    )
    url = URLField(_("URL"), max_length=500, blank=True, help_text=_("The address where the source can be read."))
    archive_url = URLField(
        _("archive URL"),
        max_length=500,
        blank=True,
        help_text=_(
            "A copy that will not change or vanish: save the page at web.archive.org (Wayback Machine) or "
            "archive.today and paste the copy's address, e.g. https://web.archive.org/web/2024…/https://…"
        ),
    )
    published_date = models.DateField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("When the source was published; leave empty if the source does not say."),
    )
    accessed_date = models.DateField(
        _("date accessed"), null=True, blank=True, help_text=_("The day you last read it at its address.")
    )
    reliability = models.CharField(
        _("reliability"),
        max_length=1,
        choices=Reliability.choices,
        default=Reliability.NOT_GRADED,
        blank=True,
        help_text=_(
            "Admiralty scale, A to F. Leave it not graded until the source has been assessed; F means it was "
            "assessed and its reliability cannot be judged."
        ),
    )
    scale = models.CharField(
        _("scale"),
        max_length=16,
        choices=SourceScale.choices,
        blank=True,
        help_text=_("Whom the source reports for: a local, national or international outlet or body."),
    )
    # Excerpts quote the source verbatim: pages mark them with this language, whatever the page's language.
    language = models.CharField(
        _("language"), max_length=16, default="en", help_text=_("ISO 639-1 code of the source's text, e.g. en, uk, ru")
    )
    notes = models.TextField(
        _("editorial notes"), blank=True, help_text=_("For editors and reviewers only; never shown to readers.")
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["-published_date", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.CheckConstraint(
                condition=Q(accessed_date__isnull=True)
                | Q(published_date__isnull=True)
                | Q(accessed_date__gte=F("published_date")),
                name="source_accessed_after_published",
                violation_error_message=_("A source cannot be accessed before it was published."),
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


# Qualifiers say how a stated number should be read ("over 200", "up to 230").
class Qualifier(models.TextChoices):
    EXACT = "exact", _("exactly")
    MORE_THAN = "more-than", _("more than")
    AT_LEAST = "at-least", _("at least")
    LESS_THAN = "less-than", _("less than")
    UP_TO = "up-to", _("up to")
    ABOUT = "about", _("about")


# Claim ranks as Wikidata ranks statements: preferred, normal, deprecated.
class ClaimRank(models.TextChoices):
    PREFERRED = "preferred", _("Preferred (best estimate)")
    NORMAL = "normal", _("Normal")
    DEPRECATED = "deprecated", _("Deprecated (superseded or shown wrong)")


def claimant_name():
    """The name of whoever claims an attributed value, as a database expression (actor or organisation)."""
    return Coalesce("claimant_actor__name", "claimant_organization__name")


def attributed_value_constraints(prefix):
    """Row invariants shared by every attributed number; ``prefix`` keeps constraint names unique."""
    return [
        models.CheckConstraint(
            condition=Q(value__gte=0),
            name=f"{prefix}_value_not_negative",
            violation_error_message=_("A count cannot be negative."),
        ),
        models.CheckConstraint(
            condition=Q(low__isnull=True) | Q(low__lte=F("value")),
            name=f"{prefix}_low_not_above_value",
            violation_error_message=_("The low bound cannot be greater than the value."),
        ),
        models.CheckConstraint(
            condition=Q(high__isnull=True) | Q(high__gte=F("value")),
            name=f"{prefix}_high_not_below_value",
            violation_error_message=_("The high bound cannot be less than the value."),
        ),
        models.CheckConstraint(
            condition=Q(low__isnull=True) | Q(high__isnull=True) | Q(low__lte=F("high")),
            name=f"{prefix}_low_not_above_high",
            violation_error_message=_("The low bound cannot be greater than the high bound."),
        ),
        models.CheckConstraint(
            condition=Q(low__isnull=True) | Q(low__gte=0),
            name=f"{prefix}_low_not_negative",
            violation_error_message=_("A bound cannot be negative."),
        ),
        models.CheckConstraint(
            condition=(Q(claimant_actor__isnull=False) & Q(claimant_organization__isnull=True))
            | (Q(claimant_actor__isnull=True) & Q(claimant_organization__isnull=False)),
            name=f"{prefix}_one_claimant",
            violation_error_message=_("Say who claims the number: one actor or one organisation, not both."),
        ),
        models.CheckConstraint(
            condition=Q(rank=ClaimRank.NORMAL) | ~Q(rank_reason=""),
            name=f"{prefix}_rank_has_reason",
            violation_error_message=_("A preferred or deprecated claim needs the reason for its rank."),
        ),
    ]


class AttributedValue(models.Model):
    """Abstract base of a number that someone claims in a source, as of a date."""

    value = models.PositiveBigIntegerField(_("value"), help_text=_("The number as stated, e.g. 200 for 'over 200'."))
    qualifier = models.CharField(
        _("qualifier"),
        max_length=16,
        choices=Qualifier.choices,
        default=Qualifier.EXACT,
        help_text=_("How the source states it: 'over 200' is 'more than' 200; 'up to 230' is 'up to' 230."),
    )
    low = models.PositiveBigIntegerField(
        _("low bound"),
        null=True,
        blank=True,
        help_text=_("When the source gives a range, its lower end: 100,000,000 for '100 to 120 million'."),
    )
    high = models.PositiveBigIntegerField(
        _("high bound"),
        null=True,
        blank=True,
        help_text=_("When the source gives a range, its upper end: 120,000,000 for '100 to 120 million'."),
    )
    claimant_actor = models.ForeignKey(
        Actor,
        verbose_name=_("claimed by (actor)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Who states the number, when a person, a state or a body of one does, e.g. Dmytro Lubinets. "
            "Fill this or the organisation, not both: not the outlet that reports the claim."
        ),
    )
    claimant_organization = models.ForeignKey(
        Organization,
        verbose_name=_("claimed by (organisation)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Who states the number, when an organisation does, e.g. UNHCR. Fill this or the actor."),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Where the claim was published or reported: the claimant's own statement, or the report quoting it."
        ),
    )
    excerpt = models.TextField(
        _("excerpt"),
        blank=True,
        help_text=_("The words of the source that state the number, copied exactly, so that readers can check it."),
    )
    as_of_date = models.DateField(
        _("as of"),
        null=True,
        blank=True,
        help_text=_(
            "The day the number describes, which may differ from the day it was published: '110 million by "
            "mid-2023' is as of 2023-06-30. Leave empty when the source does not say."
        ),
    )
    rank = models.CharField(
        _("rank"),
        max_length=16,
        choices=ClaimRank.choices,
        default=ClaimRank.NORMAL,
        help_text=_(
            "'Preferred' for the best estimate of its measure (one per measure; pages show it first), "
            "'Deprecated' for a claim superseded or shown wrong, 'Normal' for the others."
        ),
    )
    rank_reason = models.CharField(
        _("reason for rank"),
        max_length=300,
        blank=True,
        help_text=_("Why this claim is preferred, or why it is deprecated."),
    )

    class Meta:
        abstract = True

    @property
    def claimant(self):
        return self.claimant_actor or self.claimant_organization

    def clean(self):
        super().clean()
        if self.claimant_actor_id is None and self.claimant_organization_id is None:
            raise ValidationError({"claimant_actor": _("Say who claims the number: one actor or one organisation.")})
