"""The public change log of a published record, read from its revision history.

A record's revisions before its first publication are editorial work and stay
private. After it, every revision that changes what readers see becomes a
dated entry ("Updated 5 January 2024: figure corrected from 173 to 230"),
with the reviewer's public note when one was given.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from knowledgebase.core.models import PublicationStatus

# The reason given to the first revision of rows loaded from fixtures: a base to diff later
# revisions against, not a change readers need to hear about.
BASELINE_REASON = "Loaded with the demo content"


def is_baseline(revision):
    return revision.history_change_reason == BASELINE_REASON


@dataclass(frozen=True)
class Change:
    date: object
    text: str
    note: str = ""
    kind: str = "update"  # update, correction, retraction


def revision_pairs(revisions):
    """(previous, current) for consecutive revisions of one object, oldest first."""
    previous = None
    for revision in revisions:
        yield previous, revision
        previous = revision


def record_changes(revisions, *, since, fields, label):
    """Entries for revisions of one publishable record after ``since`` (its first publication).

    ``fields`` are the public fields whose changes readers are told about.
    """
    changes = []
    if since is None:
        return changes
    for previous, current in revision_pairs(revisions):
        if previous is None or current.history_date <= since or is_baseline(current):
            continue
        note = current.history_change_reason or ""
        if current.status == PublicationStatus.RETRACTED and previous.status != PublicationStatus.RETRACTED:
            changes.append(Change(current.history_date, _("Retracted"), current.retraction_note or note, "retraction"))
            continue
        if current.status != PublicationStatus.PUBLISHED:
            continue
        if previous.status == PublicationStatus.RETRACTED:
            changes.append(Change(current.history_date, _("Republished"), note))
        delta = current.diff_against(previous, included_fields=fields)
        if delta.changed_fields:
            names = [str(label(name)) for name in delta.changed_fields]
            changes.append(Change(current.history_date, _("Updated: %(fields)s") % {"fields": ", ".join(names)}, note))
    return changes
