"""Shared base: publication workflow, themes, countries and public identifiers."""

import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Crockford's base32 without the letters that read like digits (i, l, o, u).
PUBLIC_ID_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
PUBLIC_ID_LENGTH = 8


def generate_public_id():
    """A short random identifier for permalinks; never derived from a title."""
    return "".join(secrets.choice(PUBLIC_ID_ALPHABET) for _ in range(PUBLIC_ID_LENGTH))


def touch(instance, save_kwargs):
    """Stamp ``updated_at`` on save. Unlike ``auto_now``, the field has a default, so
    fixtures may leave both timestamps out."""
    instance.updated_at = timezone.now()
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and "updated_at" not in update_fields:
        save_kwargs["update_fields"] = [*update_fields, "updated_at"]


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    RETRACTED = "retracted", _("Retracted")


# Statuses that only a reviewer may set or leave.
PUBLIC_STATUSES = frozenset({PublicationStatus.PUBLISHED, PublicationStatus.RETRACTED})


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def awaiting_review(self):
        return self.filter(status=PublicationStatus.REVIEW)


class Publishable(models.Model):
    """Abstract base of every record that goes through review before the public sees it."""

    status = models.CharField(
        _("publication status"),
        max_length=16,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
        help_text=_("Drafts and records in review are never public. Only a reviewer can publish or retract."),
    )
    first_published_at = models.DateTimeField(_("first published"), null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True, editable=False)
    retraction_note = models.TextField(
        _("retraction note"),
        blank=True,
        help_text=_("Shown to readers when the record is retracted: say why."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        touch(self, kwargs)
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return self.status == PublicationStatus.PUBLISHED

    @property
    def is_public(self):
        """Published or retracted: once public, a record's URL keeps answering."""
        return self.status in PUBLIC_STATUSES


def publishable_of(row):
    """The publishable record ``row`` is or belongs to (its model's ``publication_parent``), or None."""
    if isinstance(row, Publishable):
        return row
    path = getattr(type(row), "publication_parent", None)
    for attribute in path.split(".") if path and row is not None else ():
        row = getattr(row, attribute, None)
        if row is None:
            return None
    return row if path else None


def stored_publishable_of(row):
    """The publishable record the stored version of ``row`` belongs to (None for a new row): a row moved
    to another parent leaves this one. One query."""
    path = getattr(type(row), "publication_parent", None)
    if not path or row.pk is None or row._state.adding:
        return None
    stored = type(row).objects.select_related(path.replace(".", "__")).filter(pk=row.pk).first()
    return publishable_of(stored) if stored is not None else None


class SlugNaturalKeyManager(models.Manager):
    """Lets fixtures refer to rows by slug, so they load into a populated database."""

    natural_key_field = "slug"

    def get_by_natural_key(self, key):
        return self.get(**{self.natural_key_field: key})


class CountryManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Country(models.Model):
    """A country or territory of ISO 3166-1, identified by its alpha-2 code."""

    code = models.CharField(_("ISO 3166-1 alpha-2 code"), max_length=2, primary_key=True)
    alpha_3 = models.CharField(_("ISO 3166-1 alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO 3166-1 numeric code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    iso_name = models.CharField(_("ISO short name"), max_length=100)

    objects = CountryManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_is_alpha_2",
                violation_error_message=_("A country code is two capital letters (ISO 3166-1 alpha-2)."),
            )
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class Theme(models.Model):
    """A cross-cutting subject (POWs and detainees, forced displacement, IHL compliance…)."""

    name = models.CharField(_("name"), max_length=100, unique=True, help_text=_("e.g. “POWs and detainees”."))
    slug = models.SlugField(
        _("slug"),
        max_length=100,
        unique=True,
        help_text=_(
            "The theme in filter addresses, e.g. pows-and-detainees in /events/?theme=pows-and-detainees. "
            "Lower-case letters, digits and hyphens; changing it breaks saved links."
        ),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("What belongs under the theme."))

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("events:list") + f"?theme={self.slug}"

    def natural_key(self):
        return (self.slug,)


class TimeStamped(models.Model):
    """Creation and change times for reference records that are not reviewed."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        touch(self, kwargs)
        super().save(*args, **kwargs)


class ReviewTransition(models.Model):
    """One move of a reviewed record from one publication status to another: who moved it, when, and the
    reviewer's comment when a record goes back to its editor. Written by the services only
    (``core.services``); read through ``core.review``."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(_("record id"))
    record = GenericForeignKey("content_type", "object_id")
    from_status = models.CharField(_("from"), max_length=16, choices=PublicationStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=PublicationStatus.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    comment = models.TextField(
        _("comment"),
        blank=True,
        help_text=_("What the reviewer asks the editor to change, when a record is returned."),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review transition")
        verbose_name_plural = _("review transitions")
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="core_transition_record_at")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_status=models.F("to_status")),
                name="transition_changes_status",
                violation_error_message=_("A transition moves a record to another status."),
            )
        ]

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def is_return(self):
        """A record sent back from review to its editor with a comment (``publishable_return``)."""
        return (
            self.from_status == PublicationStatus.REVIEW
            and self.to_status == PublicationStatus.DRAFT
            and bool(self.comment)
        )
