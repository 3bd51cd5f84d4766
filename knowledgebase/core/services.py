"""Writes: the one place where records are saved, deleted, moved through the publication workflow and
reverted, for the admin, the imports and the commands alike.

Every service is atomic, checks who may do it, validates, saves, records who did it and why in the
revision history (django-simple-history keeps the public change log from it), and notes what the
write makes stale in derived data (``core.derived``: refreshed once at the end of the outermost
write). Signals only invalidate the page cache.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledgebase.core import derived
from knowledgebase.core.models import (
    PUBLIC_STATUSES,
    PublicationStatus,
    Publishable,
    ReviewTransition,
    publishable_of,
    stored_publishable_of,
)

ERROR_NOT_REVIEWER = "Only a reviewer can publish or retract, or change a published record."
ERROR_NO_RETRACTION_NOTE = "Say why the record is retracted: readers will see it."
ERROR_REVIEWER_FIELDS = "Only a reviewer can change this: %(fields)s."
ERROR_NO_RETURN_COMMENT = "Say what the editor should change: the comment is required."
ERROR_NOT_IN_REVIEW = "Only a record in review can be returned to its editor."

User = AbstractBaseUser | AnonymousUser | None


def publish_permission(model: type[models.Model]) -> str:
    """The permission ('app.publish_model') a user needs to publish or retract this model."""
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def can_publish(user: User, model: type[models.Model]) -> bool:
    return bool(user and user.is_active and user.has_perm(publish_permission(model)))


def transition_allowed(*, user: User, model: type[models.Model], from_status: str, to_status: str) -> bool:
    """Editors move records between draft and review; anything touching the public needs a reviewer."""
    if from_status == to_status and from_status not in PUBLIC_STATUSES:
        return True
    if to_status in PUBLIC_STATUSES or from_status in PUBLIC_STATUSES:
        return can_publish(user, model)
    return True


class ReviewRequired(PermissionDenied):
    """A write only a reviewer may make: it touches ``record``, which is public. ``reason``: "changes"
    (a row of it), "leaves" (a row moving away from it), "joins" (a row moving onto it or added to it)."""

    def __init__(self, record: Publishable, reason: str):
        super().__init__(_(ERROR_NOT_REVIEWER))
        self.record, self.reason = record, reason


class ReviewerFieldsRequired(ReviewRequired):
    """A change to fields a model reserves for reviewers (its ``reviewer_fields``), whatever its status."""

    def __init__(self, record: Publishable, fields: list[str]):
        super().__init__(record, "changes")
        labels = ", ".join(str(type(record)._meta.get_field(name).verbose_name) for name in fields)
        self.message = _(ERROR_REVIEWER_FIELDS) % {"fields": labels}
        self.args = (self.message,)
        self.fields = fields


def check_reviewer_fields(*, obj: Publishable, by: User) -> None:
    """The gate of the fields a publishable model reserves for reviewers (``reviewer_fields``: which events
    the home page features), on drafts too: a user who may not publish may not change them, and a record
    they create keeps their defaults. The stored values come from the instance as it was read (the model's
    ``stored_reviewer_values``), else from one query."""
    model = type(obj)
    names = getattr(model, "reviewer_fields", ())
    if not names or can_publish(by, model):
        return
    if obj._state.adding:
        stored = {name: model._meta.get_field(name).get_default() for name in names}
    else:
        stored = dict(getattr(obj, "stored_reviewer_values", {}))
        missing = [name for name in names if name not in stored]
        if missing:
            stored.update(model._default_manager.filter(pk=obj.pk).values(*missing).first() or {})
    changed = [name for name in names if name in stored and getattr(obj, name) != stored[name]]
    if changed:
        raise ReviewerFieldsRequired(obj, changed)


def check_review(*, obj: models.Model, by: User, stored: Publishable | None = None, deleting: bool = False) -> None:
    """The one review gate for a row that belongs to a publishable record: a user who may not publish may
    not write a row of a published or retracted record, move a row away from one (its stored parent), or
    onto one (its new parent). ``stored``: the parent the stored row belongs to, when the caller has read it
    already (else one query). Publishable records themselves are gated by ``transition_allowed``."""
    current = publishable_of(obj)
    if stored is None and not deleting:
        stored = stored_publishable_of(obj)
    touched = [(stored, "changes" if _same(stored, current) else "leaves")] if stored is not None else []
    if current is not None and not _same(stored, current):
        touched.append((current, "joins"))
    elif deleting and current is not None:
        touched.append((current, "changes"))
    for record, reason in touched:
        if record.status in PUBLIC_STATUSES and not can_publish(by, type(record)):
            raise ReviewRequired(record, reason)


def _same(first, second) -> bool:
    return first is not None and second is not None and type(first) is type(second) and first.pk == second.pk


def apply_status(obj: Publishable, to_status: str, *, note: str = "") -> None:
    """Set the status and the timestamps that go with it (no permission check, no save)."""
    now = timezone.now()
    obj.status = to_status
    if to_status == PublicationStatus.PUBLISHED:
        obj.first_published_at = obj.first_published_at or now
        obj.retracted_at = None
    elif to_status == PublicationStatus.RETRACTED:
        obj.retracted_at = now
        if note:
            obj.retraction_note = note


def record_transition(*, obj: Publishable, from_status: str, to_status: str, by: User, comment: str = ""):
    """Write down a status change of ``obj`` (``core.ReviewTransition``); nothing when the status stays."""
    if from_status == to_status:
        return None
    return ReviewTransition.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        by=by if getattr(by, "is_authenticated", False) else None,
        comment=comment,
    )


def _attribute(obj: models.Model, by: User, note: str) -> None:
    """Who made this revision and why, for the revision history (and the public change log)."""
    if by is not None and getattr(by, "is_authenticated", False):
        obj._history_user = by
    if note:
        obj._change_reason = note


# Saves and deletions check and validate first, then write inside the caller's transaction without a
# savepoint of their own (two queries a row saved): a refusal leaves the caller's transaction usable,
# a failed write aborts it. Transitions keep a savepoint: a bulk action reports one refused record and
# carries on with the next.
def record_save(
    *,
    obj: models.Model,
    by: User,
    note: str = "",
    validate: bool = True,
    before: dict | None = None,
    stored: Publishable | None = None,
    stored_status: str | None = None,
) -> models.Model:
    """Create or update any record: through the review gate (``check_review``), validated (unless a form
    already did), saved, attributed, and what it feeds in derived data noted. ``before`` holds the stored
    parents a row may leave (``derived.stored_parents``) and ``stored`` the publishable record its stored
    version belongs to, when the caller knows them already. Publishable records go through
    ``publishable_save`` (``stored_status``: their stored status, when known)."""
    if isinstance(obj, Publishable):
        return publishable_save(obj=obj, by=by, note=note, validate=validate, stored_status=stored_status)
    check_review(obj=obj, by=by, stored=stored)
    if validate:
        obj.full_clean()
    if before is None:
        before = derived.stored_parents(obj)
    with transaction.atomic(savepoint=False):
        _attribute(obj, by, note)
        obj.save()
        derived.changed(obj, before)
    return obj


def record_delete(*, obj: models.Model, by: User) -> None:
    """Delete any record (what hangs on it goes with it, as the model says) and note what it fed; a row of
    a public record only by a reviewer, and a public record only by a reviewer."""
    transitions = ReviewTransition.objects.none()
    if isinstance(obj, Publishable):
        if obj.status in PUBLIC_STATUSES and not can_publish(by, type(obj)):
            raise ReviewRequired(obj, "changes")
        # Their ids may be given again to a new record (SQLite reuses the highest id).
        transitions = ReviewTransition.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )
    else:
        check_review(obj=obj, by=by, deleting=True)
    _attribute(obj, by, "")
    stale = derived.stale(obj)
    with transaction.atomic(savepoint=False):
        transitions.delete()
        obj.delete()
    derived.note(stale)


def publishable_save(
    *, obj: Publishable, by: User, note: str = "", validate: bool = True, stored_status: str | None = None
) -> Publishable:
    """Create or update a publishable record. An editor may write drafts and records in review; a
    status that reaches the public, or leaves it, needs a reviewer (``transition_allowed``). A change of
    status is recorded as a transition; a new record counts as coming from draft (created as a draft,
    nothing is recorded; created in review, it was submitted)."""
    model = type(obj)
    stored = stored_status
    if stored is None and obj.pk:
        stored = model.objects.filter(pk=obj.pk).values_list("status", flat=True).first()
    from_status = stored or PublicationStatus.DRAFT
    if not transition_allowed(user=by, model=model, from_status=from_status, to_status=obj.status):
        raise ReviewRequired(obj, "changes")
    check_reviewer_fields(obj=obj, by=by)
    if obj.status != stored:
        apply_status(obj, obj.status)
    if validate:
        obj.full_clean()
    with transaction.atomic(savepoint=False):
        _attribute(obj, by, note)
        obj.save()
        record_transition(obj=obj, from_status=from_status, to_status=obj.status, by=by)
        derived.changed(obj)
    return obj


@transaction.atomic
def publishable_transition(*, obj: Publishable, to_status: str, by: User, note: str = "") -> Publishable:
    """Move ``obj`` to ``to_status`` on behalf of ``by``; raise PermissionDenied if they may not. The move
    is recorded with the note (a retraction's) as its comment."""
    return _move(obj=obj, to_status=to_status, by=by, note=note)


def _move(*, obj: Publishable, to_status: str, by: User, note: str = "", comment: str = "", from_status=None):
    """``publishable_transition``'s work, in the caller's transaction; ``from_status``: the status the
    stored record must have (else ValidationError)."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if from_status is not None and locked.status != from_status:
        raise ValidationError(_(ERROR_NOT_IN_REVIEW))
    if not transition_allowed(user=by, model=model, from_status=locked.status, to_status=to_status):
        raise PermissionDenied(_(ERROR_NOT_REVIEWER))
    check_reviewer_fields(obj=obj, by=by)
    if to_status == PublicationStatus.RETRACTED and not (note or locked.retraction_note):
        raise ValidationError({"retraction_note": _(ERROR_NO_RETRACTION_NOTE)})
    apply_status(obj, to_status, note=note)
    obj.full_clean()
    _attribute(obj, by, "")
    obj.save()
    record_transition(obj=obj, from_status=locked.status, to_status=to_status, by=by, comment=comment or note)
    derived.changed(obj)
    return obj


@transaction.atomic
def publishable_return(*, obj: Publishable, by: User, comment: str) -> Publishable:
    """Send a record in review back to draft, to the editor who submitted it (``core.review``), with the
    reviewer's comment saying what to change: only a reviewer, only with a comment. The editor resubmits
    with ``publishable_submit``. The comment stays internal: it is not the public change log's reason."""
    if not can_publish(by, type(obj)):
        raise PermissionDenied(_(ERROR_NOT_REVIEWER))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _(ERROR_NO_RETURN_COMMENT)})
    return _move(
        obj=obj, to_status=PublicationStatus.DRAFT, by=by, comment=comment, from_status=PublicationStatus.REVIEW
    )


def publishable_submit(*, obj: Publishable, by: User) -> Publishable:
    return publishable_transition(obj=obj, to_status=PublicationStatus.REVIEW, by=by)


def publishable_publish(*, obj: Publishable, by: User) -> Publishable:
    return publishable_transition(obj=obj, to_status=PublicationStatus.PUBLISHED, by=by)


def publishable_retract(*, obj: Publishable, by: User, note: str = "") -> Publishable:
    return publishable_transition(obj=obj, to_status=PublicationStatus.RETRACTED, by=by, note=note)
