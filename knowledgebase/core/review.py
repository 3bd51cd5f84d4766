"""Reads of the review workflow's transitions (``core.ReviewTransition``): who submitted a record, which
records a reviewer returned to whom, and a record's history of status changes. The services write them
(``core.services``)."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, Subquery

from knowledgebase.core.models import PublicationStatus, Publishable, ReviewTransition


def record_key(obj: Publishable) -> tuple[int, int]:
    """(content type id, pk): how the bulk helpers key their answers."""
    return ContentType.objects.get_for_model(obj).pk, obj.pk


def _of(obj: Publishable):
    return ReviewTransition.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


def transitions_of(obj: Publishable) -> list[ReviewTransition]:
    """Every status change of ``obj``, oldest first, with who made it. One query."""
    return list(_of(obj).select_related("by").order_by("at", "pk"))


def latest_transition(obj: Publishable) -> ReviewTransition | None:
    """The last status change of ``obj`` (a return, when a reviewer sent it back last). One query."""
    return _of(obj).select_related("by").order_by("-at", "-pk").first()


def latest_submission(obj: Publishable) -> ReviewTransition | None:
    """The last time ``obj`` went into review: its ``by`` is the submitter. One query."""
    return _of(obj).filter(to_status=PublicationStatus.REVIEW).select_related("by").order_by("-at", "-pk").first()


def _matching(objects) -> Q | None:
    ids = defaultdict(set)
    for obj in objects:
        content_type, pk = record_key(obj)
        ids[content_type].add(pk)
    if not ids:
        return None
    condition = Q()
    for content_type, pks in ids.items():
        condition |= Q(content_type_id=content_type, object_id__in=pks)
    return condition


def submissions_for(objects) -> dict[tuple[int, int], ReviewTransition]:
    """``latest_submission`` of each record of ``objects`` (of any reviewed kinds), keyed by
    ``record_key``; records never submitted are absent. One query for the whole list."""
    condition = _matching(objects)
    if condition is None:
        return {}
    latest = {}
    rows = ReviewTransition.objects.filter(condition, to_status=PublicationStatus.REVIEW).select_related("by")
    for transition in rows.order_by("at", "pk"):
        latest[(transition.content_type_id, transition.object_id)] = transition
    return latest


def latest_transitions_for(objects) -> dict[tuple[int, int], ReviewTransition]:
    """``latest_transition`` of each record of ``objects``, keyed by ``record_key``. One query."""
    condition = _matching(objects)
    if condition is None:
        return {}
    latest = {}
    for transition in ReviewTransition.objects.filter(condition).select_related("by").order_by("at", "pk"):
        latest[(transition.content_type_id, transition.object_id)] = transition
    return latest


def _later_than_outer():
    """Transitions of the same record after the outer one (``at``, then id for equal times)."""
    return ReviewTransition.objects.filter(
        content_type=OuterRef("content_type"), object_id=OuterRef("object_id")
    ).filter(Q(at__gt=OuterRef("at")) | Q(at=OuterRef("at"), pk__gt=OuterRef("pk")))


def returned_to(user) -> list[tuple[Publishable, ReviewTransition]]:
    """The records a reviewer returned to ``user`` and that wait for them: still drafts, their last status
    change a return (review → draft with a comment), and ``user`` the one who had submitted them (the ``by``
    of the latest move into review before the return). Newest return first. One query, then one per kind
    of record returned."""
    if not getattr(user, "is_authenticated", False):
        return []
    submitter = (
        ReviewTransition.objects.filter(
            content_type=OuterRef("content_type"),
            object_id=OuterRef("object_id"),
            to_status=PublicationStatus.REVIEW,
        )
        .filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), pk__lt=OuterRef("pk")))
        .order_by("-at", "-pk")
        .values("by")[:1]
    )
    returns = list(
        ReviewTransition.objects.filter(from_status=PublicationStatus.REVIEW, to_status=PublicationStatus.DRAFT)
        .exclude(comment="")
        .annotate(submitter=Subquery(submitter), superseded=Exists(_later_than_outer()))
        .filter(submitter=user.pk, superseded=False)
        .select_related("by", "content_type")
        .order_by("-at", "-pk")
    )
    by_kind = defaultdict(list)
    for transition in returns:
        by_kind[transition.content_type].append(transition.object_id)
    records = {}
    for content_type, pks in by_kind.items():
        model = content_type.model_class()
        for record in model._default_manager.filter(pk__in=pks, status=PublicationStatus.DRAFT):
            records[(content_type.pk, record.pk)] = record
    return [
        (records[key], transition)
        for transition in returns
        if (key := (transition.content_type_id, transition.object_id)) in records
    ]
