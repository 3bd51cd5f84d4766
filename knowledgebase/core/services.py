"""Publication workflow: the only place where a record's publication status changes."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledgebase.core.models import PUBLIC_STATUSES, PublicationStatus

ERROR_NOT_REVIEWER = "Only a reviewer can publish or retract, or change a published record."


def publish_permission(model):
    """The permission ('app.publish_model') a user needs to publish or retract this model."""
    opts = model._meta
    return f"{opts.app_label}.publish_{opts.model_name}"


def can_publish(user, model):
    return bool(user and user.is_active and user.has_perm(publish_permission(model)))


def transition_allowed(*, user, model, from_status, to_status):
    """Editors move records between draft and review; anything touching the public needs a reviewer."""
    if from_status == to_status and from_status not in PUBLIC_STATUSES:
        return True
    if to_status in PUBLIC_STATUSES or from_status in PUBLIC_STATUSES:
        return can_publish(user, model)
    return True


def apply_status(obj, to_status, *, note=""):
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


@transaction.atomic
def publishable_transition(*, obj, to_status, by, note=""):
    """Move ``obj`` to ``to_status`` on behalf of ``by``; raise PermissionDenied if they may not."""
    model = type(obj)
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if not transition_allowed(user=by, model=model, from_status=locked.status, to_status=to_status):
        raise PermissionDenied(_(ERROR_NOT_REVIEWER))
    if to_status == PublicationStatus.RETRACTED and not (note or locked.retraction_note):
        raise ValidationError({"retraction_note": _("Say why the record is retracted: readers will see it.")})
    apply_status(obj, to_status, note=note)
    obj.full_clean()
    obj.save()
    return obj


def publishable_submit(*, obj, by):
    return publishable_transition(obj=obj, to_status=PublicationStatus.REVIEW, by=by)


def publishable_publish(*, obj, by):
    return publishable_transition(obj=obj, to_status=PublicationStatus.PUBLISHED, by=by)


def publishable_retract(*, obj, by, note=""):
    return publishable_transition(obj=obj, to_status=PublicationStatus.RETRACTED, by=by, note=note)
