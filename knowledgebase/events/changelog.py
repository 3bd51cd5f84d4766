"""An event's public change log: its own revisions and its figures' corrections since publication."""

from itertools import groupby

from django.utils.translation import gettext as _

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.changelog import Change, is_baseline, record_changes, revision_pairs
from knowledgebase.core.formatting import stated_value
from knowledgebase.events.models import Event, Figure, Measure

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


def _figure_changes(revisions, since):
    names = _Names(revisions)
    changes = []
    for _figure_id, group in groupby(revisions, key=lambda r: r.id):
        for previous, current in revision_pairs(list(group)):
            if current.history_date <= since or is_baseline(current):
                continue
            note = current.history_change_reason or ""
            what = names.figure(current)
            if current.history_type == "+":
                text = _("Figure added: %(what)s, %(value)s") % {"what": what, "value": stated_value(current)}
            elif current.history_type == "-":
                text = _("Figure removed: %(what)s, %(value)s") % {"what": what, "value": stated_value(current)}
            elif previous is None:
                continue
            else:
                delta = current.diff_against(previous, included_fields=FIGURE_FIELDS)
                changed = set(delta.changed_fields)
                if not changed:
                    continue
                if changed & set(VALUE_FIELDS):
                    text = _("Figure corrected: %(what)s, from %(old)s to %(new)s") % {
                        "what": what,
                        "old": stated_value(previous),
                        "new": stated_value(current),
                    }
                elif "rank" in changed:
                    text = _("Figure re-ranked: %(what)s is now %(rank)s") % {
                        "what": what,
                        "rank": current.get_rank_display().lower(),
                    }
                else:
                    text = _("Figure attribution updated: %(what)s") % {"what": what}
            changes.append(Change(current.history_date, text, note, "correction"))
    return changes


def event_changes(event):
    """Every public change to ``event`` since it was first published, newest first."""
    since = event.first_published_at
    if since is None:
        return []
    event_revisions = Event.history.filter(id=event.pk).order_by("history_date", "history_id")
    changes = record_changes(event_revisions, since=since, fields=EVENT_FIELDS, label=_label)
    figure_revisions = list(Figure.history.filter(event_id=event.pk).order_by("id", "history_date", "history_id"))
    changes += _figure_changes(figure_revisions, since)
    return sorted(changes, key=lambda change: change.date, reverse=True)
