"""Analysis and advocacy texts by organisations, with takeaways, recommendations and live figures."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import Publishable, PublishableQuerySet, Theme
from knowledgebase.core.search import search_queryset
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Figure
from knowledgebase.sources.models import Source


class BriefQuerySet(PublishableQuerySet):
    def search(self, query):
        return search_queryset(self, query)


class BriefManager(models.Manager.from_queryset(BriefQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Brief(Publishable):
    """An analysis or advocacy text, e.g. ISW's daily assessment, shown with the data it rests on."""

    title = models.CharField(_("title"), max_length=300, help_text=_("The text's own title, in English."))
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The title in lower-case letters, digits and hyphens, filled in as you type it: the address of the "
            "brief's page, e.g. /briefs/isw-russia-ukraine-biggest-pow-exchange/. Changing it breaks links."
        ),
    )
    standfirst = models.TextField(_("standfirst"), help_text=_("The opening summary readers see first."))
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown. Raw HTML is removed."))
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("author organisation"),
        on_delete=models.PROTECT,
        related_name="briefs",
        help_text=_("The organisation that wrote the text, e.g. the Institute for the Study of War."),
    )
    author = models.CharField(
        _("author"), max_length=200, blank=True, help_text=_("The people who wrote it, as the text names them.")
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("original publication"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="briefs",
        help_text=_("Where the text was first published, if elsewhere."),
    )
    published_date = models.DateField(
        _("publication date"), null=True, blank=True, help_text=_("Leave empty if the text is undated.")
    )
    is_featured = models.BooleanField(
        _("featured on the home page"),
        default=False,
        help_text=_("Shown among the featured briefs on the home page while it is published."),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        related_name="briefs",
        blank=True,
        help_text=_("The subjects readers filter by, e.g. 'POWs and detainees'; choose every one that applies."),
    )
    events = models.ManyToManyField(
        Event,
        verbose_name=_("linked events"),
        related_name="briefs",
        blank=True,
        help_text=_("Events the text discusses: the brief links to them, and their pages to the brief."),
    )
    figures = models.ManyToManyField(
        Figure,
        verbose_name=_("linked figures"),
        related_name="briefs",
        blank=True,
        help_text=_("Figures the text cites: the brief shows them as they stand now, with their sources."),
    )
    statistics = models.ManyToManyField(
        DisplacementStatistic,
        verbose_name=_("linked statistics"),
        related_name="briefs",
        blank=True,
        help_text=_("Displacement statistics the text cites: the brief shows them with their sources."),
    )
    actors = models.ManyToManyField(
        Actor,
        verbose_name=_("linked actors"),
        related_name="briefs",
        blank=True,
        help_text=_("People and parties the text is about: their profiles list the brief."),
    )
    search_document = models.TextField(editable=False, blank=True)
    search_body = models.TextField(editable=False, blank=True)  # the body in every language, case-folded
    # Kept up to date on PostgreSQL only (see core.search); an unused column on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = BriefManager()
    history = HistoricalRecords(excluded_fields=["search_document", "search_body", "search_vector", "updated_at"])

    class Meta:
        ordering = ["-published_date", "title"]
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")
        permissions = [("publish_brief", _("Can publish and retract briefs"))]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("briefs:detail", kwargs={"slug": self.slug})


class TakeawayManager(models.Manager):
    def get_by_natural_key(self, brief_slug, position):
        return self.get(brief__slug=brief_slug, position=position)


class Takeaway(models.Model):
    """One key takeaway of a brief, in order, optionally linked to the event it reports."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "brief"

    brief = models.ForeignKey(Brief, verbose_name=_("brief"), on_delete=models.CASCADE, related_name="takeaways")
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order in the list of takeaways: 1 comes first.")
    )
    text = models.TextField(_("text"), help_text=_("One finding of the text, in a sentence or two."))
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="takeaways",
        help_text=_("The event the takeaway reports, if one: the takeaway links to it."),
    )

    objects = TakeawayManager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("key takeaway")
        verbose_name_plural = _("key takeaways")
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "position"],
                name="takeaway_unique_position",
                violation_error_message=_("Two takeaways cannot share a position."),
            )
        ]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.brief.slug, self.position)

    natural_key.dependencies = ["briefs.brief"]


class Audience(models.TextChoices):
    GOVERNMENTS = "governments", _("Governments")
    ORGANIZATIONS = "organizations", _("Organisations")
    INDIVIDUALS = "individuals", _("Individuals")
    PARTIES = "parties", _("Parties to the conflict")
    DONORS = "donors", _("Donors")


class RecommendationManager(models.Manager):
    def get_by_natural_key(self, brief_slug, position):
        return self.get(brief__slug=brief_slug, position=position)


class Recommendation(models.Model):
    """What a brief asks of an audience: governments, organisations, individuals."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "brief"

    brief = models.ForeignKey(Brief, verbose_name=_("brief"), on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField(
        _("position"), help_text=_("Order in the list of recommendations: 1 comes first.")
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, help_text=_("Whom the text asks to act.")
    )
    text = models.TextField(_("text"), help_text=_("What the text asks of them, in its words."))

    objects = RecommendationManager()

    class Meta:
        ordering = ["position"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["brief", "position"],
                name="recommendation_unique_position",
                violation_error_message=_("Two recommendations cannot share a position."),
            )
        ]

    def __str__(self):
        return f"{self.get_audience_display()}: {self.text[:60]}"

    def natural_key(self):
        return (self.brief.slug, self.position)

    natural_key.dependencies = ["briefs.brief"]
