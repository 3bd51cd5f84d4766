"""Rules of international humanitarian law and the allegations that events violate them."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knowledgebase.core.fields import URLField
from knowledgebase.core.models import SlugNaturalKeyManager
from knowledgebase.events.models import Event
from knowledgebase.sources.models import Source


class Instrument(models.Model):
    """A treaty or body of law, e.g. Geneva Convention III (1949) or customary IHL."""

    name = models.CharField(
        _("name"),
        max_length=300,
        unique=True,
        help_text=_("The full title, e.g. 'Geneva Convention (III) relative to the Treatment of Prisoners of War'."),
    )
    short_name = models.CharField(_("short name"), max_length=100, help_text=_("As pages cite it, e.g. 'GC III'."))
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "Lower-case letters, digits and hyphens, filled in as you type the short name, e.g. geneva-convention-iii."
        ),
    )
    adopted_date = models.DateField(
        _("adopted"), null=True, blank=True, help_text=_("The day the text was adopted, e.g. 1949-08-12.")
    )
    official_url = URLField(
        _("official text"),
        max_length=500,
        blank=True,
        help_text=_("The address of the official text, e.g. on the ICRC's IHL databases (ihl-databases.icrc.org)."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists: the lowest number comes first.")
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("legal instrument")
        verbose_name_plural = _("legal instruments")

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)


class ProvisionManager(SlugNaturalKeyManager):
    def get_queryset(self):
        return super().get_queryset().select_related("instrument")


class Provision(models.Model):
    """A rule of IHL: an article of an instrument, with a summary checked against its official text."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT, related_name="provisions"
    )
    article = models.CharField(_("article or rule"), max_length=50, help_text=_("e.g. 'Article 13' or 'Rule 97'."))
    title = models.CharField(
        _("title"), max_length=200, help_text=_("What the rule is about, e.g. 'Release and repatriation'.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "Filled in from the article and title: the address of the provision's page, e.g. /ihl/gc3-art-130/. "
            "Changing it breaks links."
        ),
    )
    summary = models.TextField(
        _("summary"), help_text=_("What the rule requires, in plain words, checked against the official text.")
    )
    official_url = URLField(
        _("official text"),
        max_length=500,
        help_text=_("The address of the article's official text, e.g. on ihl-databases.icrc.org."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order within its instrument: the lowest number comes first.")
    )

    objects = ProvisionManager()

    class Meta:
        ordering = ["instrument__position", "position", "article"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "article"],
                name="provision_unique_article",
                violation_error_message=_("This instrument already has this article."),
            )
        ]

    def __str__(self):
        return f"{self.instrument.short_name}, {self.article}: {self.title}"

    def get_absolute_url(self):
        return reverse("ihl:detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class AllegationStatus(models.TextChoices):
    ALLEGED = "alleged", _("Alleged")
    DOCUMENTED = "documented", _("Documented")
    CONFIRMED = "confirmed", _("Confirmed")
    CONTESTED = "contested", _("Contested")
    DISCOUNTED = "discounted", _("Discounted")


class AllegationManager(models.Manager):
    def get_by_natural_key(self, event_public_id, provision_slug):
        return self.get(event__public_id=event_public_id, provision__slug=provision_slug)


class Allegation(models.Model):
    """A claim, made in a source, that an event violates a provision."""

    #: The publishable record this row belongs to (core.models.publishable_of): the review gate's
    #: concern when the row is written.
    publication_parent = "event"

    event = models.ForeignKey(Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="allegations")
    provision = models.ForeignKey(
        Provision,
        verbose_name=_("provision"),
        on_delete=models.PROTECT,
        related_name="allegations",
        help_text=_("The rule the event is said to violate, e.g. GC III, Article 13 (humane treatment)."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AllegationStatus.choices,
        default=AllegationStatus.ALLEGED,
        help_text=_(
            "How far the allegation stands: alleged by a source, documented by an investigation, confirmed by "
            "a competent body, contested by another source, or discounted."
        ),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="allegations",
        help_text=_("Where the allegation is made."),
    )
    excerpt = models.TextField(
        _("excerpt"), blank=True, help_text=_("The words of the source that make the allegation.")
    )
    note = models.TextField(_("note"), blank=True, help_text=_("How the event relates to the provision."))

    objects = AllegationManager()

    class Meta:
        ordering = ["provision__instrument__position", "provision__position", "id"]
        verbose_name = _("allegation")
        verbose_name_plural = _("allegations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "provision"],
                name="allegation_unique_provision_per_event",
                violation_error_message=_("This event already has an allegation under this provision."),
            )
        ]

    def __str__(self):
        return f"{self.event} – {self.provision.article}"

    def natural_key(self):
        return (self.event.public_id, self.provision.slug)

    natural_key.dependencies = ["events.event", "ihl.provision"]
