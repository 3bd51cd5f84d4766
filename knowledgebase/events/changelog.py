"""An event's public change log: its own revisions and its figures' corrections since publication."""

from itertools import groupby

from django.utils.translation import gettext as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.changelog import Change, is_baseline, record_changes, revision_pairs
from knowledgebase.events.models import Event, Figure, Measure
from knowledgebase.presentation.formatting import stated_value

EVENT_FIELDS = [
    "title",
    "event_type",
    "start_date",
    "end_date",
    "date_precision",
    "date_note",
    "region",
    "place_name",
    "latitude",
    "longitude",
    "geo_precision",
    "summary",
    "body",
    "account_source",
]
VALUE_FIELDS = ["value", "qualifier", "low", "high"]
FIGURE_FIELDS = [*VALUE_FIELDS, "rank", "claimant_actor", "claimant_organization", "source", "measure", "as_of_date"]


def _label(name):
    return Event._meta.get_field(name).verbose_name


class _Names:
    """Measure and claimant names for historical figure rows, read in three queries at most."""

    def __init__(self, revisions):
        self.measures = dict(Measure.objects.filter(pk__in={r.measure_id for r in revisions}).values_list("pk", "name"))
        actor_ids = {r.claimant_actor_id for r in revisions if r.claimant_actor_id}
        org_ids = {r.claimant_organization_id for r in revisions if r.claimant_organization_id}
        self.actors = dict(Actor.objects.filter(pk__in=actor_ids).values_list("pk", "name")) if actor_ids else {}
        self.orgs = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name")) if org_ids else {}

    def figure(self, revision):
        claimant = self.actors.get(revision.claimant_actor_id) or self.orgs.get(revision.claimant_organization_id)
        return _("%(measure)s according to %(claimant)s") % {
            "measure": self.measures.get(revision.measure_id, ""),
            "claimant": claimant or "",
        }


def _figure_change(previous, current, event_id, names):
    """What a figure's revision changed for the event ``event_id``, or None when nothing readers see."""
    what = names.figure(current)
    here = current.event_id == event_id
    was_here = previous is not None and previous.event_id == event_id
    if current.history_type == "-":
        return (
            _("Figure removed: %(what)s, %(value)s") % {"what": what, "value": stated_value(current)} if here else None
        )
    if not here:
        if was_here:
            return _("Figure moved to another event: %(what)s, %(value)s") % {
                "what": what,
                "value": stated_value(current),
            }
        return None
    if current.history_type == "+" or (previous is not None and not was_here):
        return _("Figure added: %(what)s, %(value)s") % {"what": what, "value": stated_value(current)}
    if previous is None:
        return None
    changed = set(current.diff_against(previous, included_fields=FIGURE_FIELDS).changed_fields)
    if changed & set(VALUE_FIELDS):
        return _("Figure corrected: %(what)s, from %(old)s to %(new)s") % {
            "what": what,
            "old": stated_value(previous),
            "new": stated_value(current),
        }
    if "rank" in changed:
        return _("Figure re-ranked: %(what)s is now %(rank)s") % {
            "what": what,
            "rank": current.get_rank_display().lower(),
        }
    return _("Figure attribution updated: %(what)s") % {"what": what} if changed else None


def _figure_changes(revisions, since, event_id):
    """Entries for the revisions of every figure that ever belonged to the event: a figure moved away
    leaves an entry on the event it left, and one on the event it joined."""
    names = _Names(revisions)
    changes = []
    for _figure_id, group in groupby(revisions, key=lambda r: r.id):
        for previous, current in revision_pairs(list(group)):
            if current.history_date <= since or is_baseline(current):
                continue
            text = _figure_change(previous, current, event_id, names)
            if text:
                changes.append(Change(current.history_date, text, current.history_change_reason or "", "correction"))
    return changes


def event_changes(event):
    """Every public change to ``event`` since it was first published, newest first."""
    since = event.first_published_at
    if since is None:
        return []
    event_revisions = Event.history.filter(id=event.pk).order_by("history_date", "history_id")
    changes = record_changes(event_revisions, since=since, fields=EVENT_FIELDS, label=_label)
    ever_here = Figure.history.filter(event_id=event.pk).values("id")
    figure_revisions = list(Figure.history.filter(id__in=ever_here).order_by("id", "history_date", "history_id"))
    changes += _figure_changes(figure_revisions, since, event.pk)
    return sorted(changes, key=lambda change: change.date, reverse=True)
