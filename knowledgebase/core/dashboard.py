"""The editor's dashboard on the admin index: what the signed-in member of staff has in hand across every
reviewed kind (the admin site's ``publishable_models``): their drafts, the records returned to them with the
reviewer's comment, what they wait on a review for, and what was published lately.

Whose a record is: a draft is mine when its latest revision (django-simple-history) is mine; a record in
review when its latest submission (``core.ReviewTransition``) is mine, or, submitted before submissions were
recorded, its latest revision; a returned record is the submitter's (``core.review.returned_to``). Who
published a record is who made its first published revision. Every section costs a fixed number of queries
(one or two a kind), however many records there are.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, OuterRef, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse

from knowledgebase.core.models import PublicationStatus, Publishable, ReviewTransition
from knowledgebase.core.review import returned_to
from knowledgebase.core.services import can_publish

SHOWN = 10

#: Reviewed kinds without a page of their own, shown in a public list: the list, filtered to find them.
PUBLIC_LISTS = {
    "displacement.displacementstatistic": lambda record: (
        reverse("displacement:explorer") + f"?origin={record.origin_country_id or 'global'}"
    ),
}


@dataclass(frozen=True)
class Entry:
    """One record on the dashboard: what it is, where to edit it and see it, when and by whom."""

    record: Publishable
    kind: str
    admin_url: str
    at: datetime | None
    public_url: str = ""
    by: str = ""
    comment: str = ""


@dataclass
class Section:
    """The newest ``SHOWN`` entries of a section across kinds; ``more`` when some were left out, and
    ``lists`` ((kind, url) of the change lists that show them all)."""

    entries: list[Entry] = field(default_factory=list)
    more: bool = False
    lists: list[tuple[str, str]] = field(default_factory=list)


def entry(admin_site, record, **details):
    return Entry(record=record, kind=record._meta.verbose_name, admin_url=admin_url(admin_site, record), **details)


def history_of(model):
    """The historical model that keeps ``model``'s revisions, or None."""
    manager = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, manager).model if manager else None


def latest_revision(history, column):
    """``column`` of the newest revision of the outer record."""
    newest = history.objects.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    return Subquery(newest.values(column)[:1])


def transitions_of_outer(model):
    """The status changes of the outer record of ``model``, latest first."""
    return ReviewTransition.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk")
    ).order_by("-at", "-pk")


def my_drafts_of(model, user):
    """Drafts of ``model`` whose latest revision ``user`` made (a reviewer's edit makes it theirs), but for
    those returned with a comment and not yet resubmitted: they are their submitter's, under "returned". The
    first filter keeps to the records the user ever revised."""
    history = history_of(model)
    touched = history.objects.filter(history_user=user).values("id")
    return_comment = Case(
        When(from_status=PublicationStatus.REVIEW, to_status=PublicationStatus.DRAFT, then="comment"),
        default=Value(""),
        output_field=TextField(),
    )
    last_move = transitions_of_outer(model).annotate(return_comment=return_comment).values("return_comment")[:1]
    return (
        model.objects.filter(status=PublicationStatus.DRAFT, pk__in=touched)
        .alias(
            last_author=latest_revision(history, "history_user"),
            returned=Coalesce(Subquery(last_move), Value(""), output_field=TextField()),
        )
        .filter(last_author=user.pk, returned="")
        .annotate(since=F("updated_at"))
    )


def submitted_by(model, user):
    """Records of ``model`` in review whose latest submission ``user`` made (whose latest revision, for a
    record submitted before submissions were recorded), with when (``since``)."""
    history = history_of(model)
    submissions = transitions_of_outer(model).filter(to_status=PublicationStatus.REVIEW)
    return (
        model.objects.awaiting_review()
        .alias(submitter=Coalesce(Subquery(submissions.values("by")[:1]), latest_revision(history, "history_user")))
        .filter(submitter=user.pk)
        .annotate(since=Coalesce(Subquery(submissions.values("at")[:1]), "updated_at"))
    )


def first_publisher(history):
    """Who made the outer record's first published revision: who first published it (the date of which
    is its ``first_published_at``)."""
    username = f"history_user__{get_user_model().USERNAME_FIELD}"
    first = history.objects.filter(id=OuterRef("pk"), status=PublicationStatus.PUBLISHED)
    return Subquery(first.order_by("history_date", "history_id").values(username)[:1])


def admin_url(admin_site, record):
    opts = record._meta
    return reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def changelist_url(admin_site, model, status):
    opts = model._meta
    return reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_changelist") + f"?status__exact={status}"


def public_url(record):
    """The page readers see the record on: its own, or the public list that shows it; empty if neither."""
    if hasattr(record, "get_absolute_url"):
        return record.get_absolute_url()
    in_list = PUBLIC_LISTS.get(record._meta.label_lower)
    return in_list(record) if in_list else ""


def newest(rows_by_kind, *, at):
    """One section from each kind's newest rows (at most ``SHOWN + 1`` each): the ``SHOWN`` newest across
    kinds by ``at``, and whether any were left out."""
    merged = [row for rows in rows_by_kind for row in rows[:SHOWN]]
    merged.sort(key=lambda row: (at(row) is not None, at(row)), reverse=True)
    more = len(merged) > SHOWN or any(len(rows) > SHOWN for rows in rows_by_kind)
    return merged[:SHOWN], more


def reviewed_models(admin_site, request):
    """The reviewed kinds the user may see, with a revision history."""
    return [
        model
        for model in admin_site.publishable_models()
        if history_of(model) is not None and admin_site._registry[model].has_view_permission(request)
    ]


def my_records(admin_site, user, models, status, *, mine):
    """``user``'s own records of ``models`` in ``status`` (``mine(model, user)``), latest first (``since``),
    with the change lists of that status."""
    found = [list(mine(model, user).order_by("-since", "-pk")[: SHOWN + 1]) for model in models]
    records, more = newest(found, at=lambda record: record.since)
    return Section(
        entries=[entry(admin_site, record, at=record.since) for record in records],
        more=more,
        lists=[(model._meta.verbose_name_plural, changelist_url(admin_site, model, status)) for model in models],
    )


def returned_to_me(admin_site, user, models):
    """The records of ``models`` reviewers returned to ``user``, latest first, with the reviewer's
    comment."""
    visible = set(models)
    returned = [(record, move) for record, move in returned_to(user) if type(record) in visible]
    return Section(
        entries=[
            entry(admin_site, record, at=move.at, by=display_name(move.by), comment=move.comment)
            for record, move in returned[:SHOWN]
        ],
        more=len(returned) > SHOWN,
    )


def display_name(user):
    return user.get_username() if user is not None else ""


def recently_published(admin_site, models):
    """The ``SHOWN`` records of ``models`` published first most recently, with who published them."""
    found = []
    for model in models:
        published = model.objects.published().annotate(publisher=first_publisher(history_of(model)))
        found.append(list(published.order_by("-first_published_at", "-pk")[: SHOWN + 1]))
    records, more = newest(found, at=lambda record: record.first_published_at)
    return Section(
        entries=[
            entry(
                admin_site,
                record,
                at=record.first_published_at,
                by=record.publisher or "",
                public_url=public_url(record),
            )
            for record in records
        ],
        more=more,
    )


def is_reviewer(admin_site, user):
    """Whether ``user`` may publish some reviewed kind."""
    return any(can_publish(user, model) for model in admin_site.publishable_models())


def dashboard(admin_site, request):
    """The dashboard's sections for the signed-in user, and whether they review."""
    user, models = request.user, reviewed_models(admin_site, request)
    return {
        "is_reviewer": is_reviewer(admin_site, user),
        "returned": returned_to_me(admin_site, user, models),
        "my_drafts": my_records(admin_site, user, models, PublicationStatus.DRAFT, mine=my_drafts_of),
        "my_waiting": my_records(admin_site, user, models, PublicationStatus.REVIEW, mine=submitted_by),
        "recently_published": recently_published(admin_site, models),
    }
