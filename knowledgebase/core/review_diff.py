"""What a record waiting for review changes in its published version, for the review desk.

The base is the record's latest revision whose status was "published" (django-simple-history). The record's
own content fields are compared with it: every editable field the history keeps, each language's column of a
translated field on its own, never timestamps, the status or search columns.

Rows that belong to the record are compared as they stood when it left publication, the moment of its first
revision after the base (now, for a record still published):

* rows with a revision history of their own (an event's figures) field by field: added, removed, changed;
* rows without one (participations, citations, allegations, takeaways, recommendations, a figure's
  breakdowns) from the admin's log of the changes made since then: what was added, changed (which fields)
  or removed on the record's form, and what was added or changed on the row's own page. Their earlier
  values are not kept anywhere, and a row deleted from its own page (not from the record's form) cannot be
  traced back to its record: neither shows.
* many-to-many fields (countries, themes, linked events) keep no history either: the fields the admin's log
  says changed are named in ``untracked_fields``, without values.

Queries: ``review_diffs`` reads every record of one kind in a fixed number of queries, whatever the number
of records and rows: one for the bases; one per kind of row with a history, plus one for those rows as they
are now; one per related model whose names a change shows (event types, sources, measures, actors,
organisations: five at most for events); one for the admin's log, plus one per kind of row the log names
(participations, citations, figures, allegations: four at most); and one for the content types the first
time. Events cost 14 queries at most, briefs 7, statistics 7.
"""

import functools
import json
import os
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import CharField, OuterRef, Q, Subquery
from django.db.models.functions import Cast
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.translation import translated_fields
from knowledgebase.presentation.formatting import day_date, number, stated_value

# Workflow, not content: the queue says what the status is.
WORKFLOW_FIELDS = frozenset({"status"})
# Who claims an attributed value (sources.AttributedValue): a row's description names them apart.
CLAIMANT_FIELDS = ("claimant_actor", "claimant_organization")
# How much of a value the table shows; the rest is in the ``*_full`` text (a tooltip).
SHORT_TEXT = 100
# Characters kept before the first difference of a long text, so that the change is in view.
LEAD_IN = 30

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
ACTION_LABELS = {ADDED: gettext_lazy("Added"), REMOVED: gettext_lazy("Removed"), CHANGED: gettext_lazy("Changed")}
# The admin's log names an inline row's change "added", "changed" or "deleted".
LOG_ACTIONS = {"added": ADDED, "changed": CHANGED, "deleted": REMOVED}


@dataclass(frozen=True)
class FieldChange:
    """A field whose value differs from the published one, both written as the admin shows them."""

    name: str
    label: str
    before: str
    after: str
    before_full: str = ""
    after_full: str = ""
    is_shortened: bool = False  # the table shows part of a value: the full text goes in a tooltip


@dataclass(frozen=True)
class RowChange:
    """A row of the record (a figure, a participation…) added, removed or changed since publication.
    ``fields``: what changed in it, where its history says so."""

    kind: str
    kind_label: str
    action: str
    text: str
    fields: tuple = ()

    @property
    def action_label(self):
        return ACTION_LABELS[self.action]


@dataclass
class ReviewDiff:
    """What a record changes in its published version. ``is_new``: it was never published, so everything
    in it is new and nothing is listed. ``untracked_fields``: labels of fields the admin's log says changed
    but whose values no history keeps (many-to-many fields)."""

    is_new: bool
    published_at: object = None
    fields: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    untracked_fields: list = field(default_factory=list)

    @property
    def has_changes(self):
        return bool(self.fields or self.rows or self.untracked_fields)


def review_diff(obj):
    """The ``ReviewDiff`` of one publishable record (see ``review_diffs`` for the queries)."""
    return review_diffs([obj])[obj.pk]


def review_diffs(objects):
    """{pk: ReviewDiff} for publishable records of one model, in a fixed number of queries (module doc)."""
    objects = list(objects)
    if not objects:
        return {}
    model = type(objects[0])
    if any(type(obj) is not model for obj in objects):
        raise ValueError("review_diffs() compares records of one model at a time.")
    bases = _bases(model, [obj.pk for obj in objects])
    now = timezone.now()
    cutoffs = {pk: base.left_at or now for pk, base in bases.items()}
    names = _Names()
    pending = {}
    for obj in objects:
        base = bases.get(obj.pk)
        if base is not None:
            pending[obj.pk] = _field_deltas(model, base, obj, names)
    row_deltas = _history_row_deltas(model, cutoffs, names) if bases else {}
    logged_rows, untracked = _logged_changes(model, cutoffs) if bases else ({}, {})
    names.load()
    diffs = {}
    for obj in objects:
        base = bases.get(obj.pk)
        if base is None:
            diffs[obj.pk] = ReviewDiff(is_new=True)
            continue
        diffs[obj.pk] = ReviewDiff(
            is_new=False,
            published_at=base.history_date,
            fields=[delta.render(names) for delta in pending[obj.pk]],
            rows=[row.render(names) for row in row_deltas.get(obj.pk, ())] + logged_rows.get(obj.pk, []),
            untracked_fields=untracked.get(obj.pk, []),
        )
    return diffs


def preview_url(obj):
    """Where staff see ``obj`` as readers will: the admin's preview of its model when it has one (a
    statistic has no page of its own), else its public page, which previews drafts for staff."""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[quote(obj.pk)])
    except NoReverseMatch:
        pass
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None


# Revisions -------------------------------------------------------------------------------------------------


def _history(model):
    name = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, name) if name else None


def _bases(model, pks):
    """{pk: the latest published revision}, each with ``left_at``: the date of the revision after it."""
    history = _history(model)
    pk_name = model._meta.pk.name
    published = history.filter(status=PublicationStatus.PUBLISHED)
    latest = published.filter(**{pk_name: OuterRef(pk_name)}).order_by("-history_date", "-history_id")
    after = history.filter(**{pk_name: OuterRef(pk_name), "history_date__gt": OuterRef("history_date")})
    rows = published.filter(**{f"{pk_name}__in": pks, "history_id": Subquery(latest.values("history_id")[:1])})
    rows = rows.annotate(left_at=Subquery(after.order_by("history_date", "history_id").values("history_date")[:1]))
    return {getattr(row, pk_name): row for row in rows}


def compared_fields(model, exclude=()):
    """[(model field, label)]: the content fields of ``model`` that its history keeps, each language's column
    of a translated field in place of the field itself (the original column repeats the English)."""
    history = _history(model)
    tracked = {f.name for f in history.model.tracked_fields}
    translated = set(translated_fields(model))
    language_names = dict(settings.LANGUAGES)
    fields = []
    for model_field in model._meta.concrete_fields:
        if model_field.name not in tracked or model_field.name in translated or model_field.name in exclude:
            continue
        original = getattr(model_field, "translated_field", None)
        if original is not None:
            label = f"{capfirst(original.verbose_name)} ({language_names[model_field.language]})"
            fields.append((model_field, label))
        elif model_field.editable and not model_field.primary_key and model_field.name not in WORKFLOW_FIELDS:
            fields.append((model_field, str(capfirst(model_field.verbose_name))))
    return fields


@dataclass
class _Delta:
    field: models.Field
    label: str
    before: object
    after: object

    def render(self, names):
        before, after = _display(self.field, self.before, names), _display(self.field, self.after, names)
        short_before, short_after, shortened = _shorten_pair(before, after)
        return FieldChange(self.field.name, self.label, short_before, short_after, before, after, shortened)


def _field_deltas(model, before, after, names, exclude=()):
    deltas = []
    for model_field, label in compared_fields(model, exclude):
        old, new = getattr(before, model_field.attname), getattr(after, model_field.attname)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        if model_field.is_relation:
            names.want(model_field.related_model, old, new)
        deltas.append(_Delta(model_field, label, old, new))
    return deltas


# Rows with a history (figures) ----------------------------------------------------------------------------


def _parent_links(model):
    """[(row model, its foreign key to ``model``)] for the rows that belong to ``model``'s records
    directly (their ``publication_parent`` is one foreign key to it)."""
    links = []
    for row_model in apps.get_models():
        path = getattr(row_model, "publication_parent", None)
        if not path or "." in path:
            continue
        link = row_model._meta.get_field(path)
        if link.related_model is model:
            links.append((row_model, link))
    return links


@dataclass
class _RowDelta:
    model: type
    link: models.Field
    action: str
    row: object
    deltas: list

    def render(self, names):
        return RowChange(
            kind=self.model._meta.model_name,
            kind_label=str(capfirst(self.model._meta.verbose_name)),
            action=self.action,
            text=_describe(self.row, self.model, self.link, names),
            fields=tuple(delta.render(names) for delta in self.deltas),
        )


def _history_row_deltas(model, cutoffs, names):
    """{record pk: [_RowDelta]} for every kind of row with a history: each row as it stood at the record's
    cutoff against the row as it is now. One query for the revisions and one for the rows, per kind."""
    deltas = defaultdict(list)
    for row_model, link in _parent_links(model):
        if _history(row_model) is None:
            continue
        base_rows = _rows_at_cutoffs(row_model, link, cutoffs)
        current = defaultdict(dict)
        for row in row_model._base_manager.filter(**{f"{link.attname}__in": list(cutoffs)}).order_by("pk"):
            current[getattr(row, link.attname)][row.pk] = row
        for parent in cutoffs:
            before, now = base_rows.get(parent, {}), current.get(parent, {})
            changed = []
            for pk in sorted(before.keys() & now.keys()):
                row_deltas = _field_deltas(row_model, before[pk], now[pk], names, exclude={link.name})
                if row_deltas:
                    changed.append(_RowDelta(row_model, link, CHANGED, now[pk], row_deltas))
            added = [_RowDelta(row_model, link, ADDED, now[pk], []) for pk in sorted(now.keys() - before.keys())]
            removed = [_RowDelta(row_model, link, REMOVED, before[pk], []) for pk in sorted(before.keys() - now.keys())]
            for delta in (*changed, *added, *removed):
                _want_description(delta.row, row_model, link, names)
            deltas[parent] += [*changed, *added, *removed]
    return deltas


def _rows_at_cutoffs(row_model, link, cutoffs):
    """{record pk: {row pk: revision}}: the rows each record had at its cutoff, from their last revision
    by then (a row moved to another record since counts where it was)."""
    history = _history(row_model)
    pk_name = row_model._meta.pk.name
    ever_here = history.filter(**{f"{link.attname}__in": list(cutoffs)}).values(pk_name)
    revisions = history.filter(**{f"{pk_name}__in": ever_here, "history_date__lte": max(cutoffs.values())})
    rows = defaultdict(dict)
    for _pk, group in groupby(revisions.order_by(pk_name, "history_date", "history_id"), key=lambda r: r.pk):
        group = list(group)
        for parent in {getattr(revision, link.attname) for revision in group} & cutoffs.keys():
            then = [revision for revision in group if revision.history_date <= cutoffs[parent]]
            last = then[-1] if then else None
            if last is not None and last.history_type != "-" and getattr(last, link.attname) == parent:
                rows[parent][getattr(last, pk_name)] = last
    return rows


def _subjects(row_model, link):
    """The foreign keys that say what a row is about (a figure's measure): not its record, claimant or source."""
    skip = {link.name, *CLAIMANT_FIELDS, "source"}
    return [f for f in row_model._meta.concrete_fields if f.is_relation and f.name not in skip]


def _want_description(row, row_model, link, names):
    for relation in _subjects(row_model, link):
        names.want(relation.related_model, getattr(row, relation.attname))
    for name in CLAIMANT_FIELDS:
        if hasattr(row, f"{name}_id"):
            names.want(row_model._meta.get_field(name).related_model, getattr(row, f"{name}_id"))


def _describe(row, row_model, link, names):
    """One line for a row: 'People returned to Ukraine: up to 230 (claimed by Lubinets)' for an attributed
    value (sources.AttributedValue), else what it is about and its text."""
    what = "; ".join(
        names.get(relation.related_model, getattr(row, relation.attname))
        for relation in _subjects(row_model, link)
        if getattr(row, relation.attname) is not None
    )
    if not (hasattr(row, "value") and hasattr(row, "qualifier")):
        return what or str(row.pk)
    claimant = next(
        (
            names.get(row_model._meta.get_field(name).related_model, getattr(row, f"{name}_id"))
            for name in CLAIMANT_FIELDS
            if getattr(row, f"{name}_id", None) is not None
        ),
        "",
    )
    text = f"{what}: {stated_value(row)}" if what else stated_value(row)
    return _("%(text)s (claimed by %(claimant)s)") % {"text": text, "claimant": claimant} if claimant else text


# Rows without a history, from the admin's log ---------------------------------------------------------------


def _logged_changes(model, cutoffs):
    """({record pk: [RowChange]}, {record pk: [labels]}) from the admin's log since each record's cutoff:
    the rows without a history that its form or their own pages added, changed or removed, and the
    many-to-many fields its form changed. One query for the log, one per kind of row it names."""
    links = _parent_links(model)
    types = ContentType.objects.get_for_models(model, *(row_model for row_model, _link in links))
    wanted = Q(content_type=types[model], object_id__in=[str(pk) for pk in cutoffs])
    for row_model, link in links:
        ids = row_model._base_manager.filter(**{f"{link.attname}__in": list(cutoffs)})
        wanted |= Q(content_type=types[row_model], object_id__in=ids.values(key=Cast("pk", CharField())))
    entries = list(
        LogEntry.objects.filter(wanted, action_time__gte=min(cutoffs.values())).order_by("action_time", "id")
    )
    parents = _parents_of_rows(entries, model, links, types)
    logged = defaultdict(_LoggedRows)
    untracked = defaultdict(list)
    many_to_many = _labels_of_many_to_many(model)
    for entry in entries:
        parent = parents.get((entry.content_type_id, entry.object_id))
        if parent not in cutoffs or entry.action_time < cutoffs[parent]:
            continue
        entry_model = next(m for m, content_type in types.items() if content_type.pk == entry.content_type_id)
        for kind, action, text, labels in _entry_changes(entry, entry_model is model):
            if kind is None:
                for label in labels:
                    name = many_to_many.get(label)
                    if name is not None and name not in untracked[parent]:
                        untracked[parent].append(name)
            elif kind == "":
                if _history(entry_model) is None:
                    logged[parent].note(_verbose_name_of(entry_model), action, text, labels)
            else:
                row_model = _model_named(kind)
                if row_model is None or _history(row_model) is None:
                    logged[parent].note(kind, action, text, labels)
    return {pk: rows.changes() for pk, rows in logged.items()}, dict(untracked)


def _parents_of_rows(entries, model, links, types):
    """{(content type id, object id): record pk} for the entries: the record's own, and its rows', read
    with one query per kind of row that has entries."""
    parents = {}
    for entry in entries:
        if entry.content_type_id == types[model].pk:
            parents[(entry.content_type_id, entry.object_id)] = model._meta.pk.to_python(entry.object_id)
    for row_model, link in links:
        content_type = types[row_model].pk
        ids = {entry.object_id for entry in entries if entry.content_type_id == content_type}
        if ids:
            rows = row_model._base_manager.filter(pk__in=[row_model._meta.pk.to_python(pk) for pk in ids])
            for pk, parent in rows.values_list("pk", link.attname):
                parents[(content_type, str(pk))] = parent
    return parents


def _entry_changes(entry, on_record):
    """(kind, action, object, field labels) for each change an entry of the admin's log records. ``kind`` is
    None for the record's own fields, "" for the logged row's own fields, else the verbose name (untranslated)
    of the inline row it names."""
    try:
        messages = json.loads(entry.change_message) if entry.change_message.startswith("[") else []
    except json.JSONDecodeError:
        messages = []
    if entry.action_flag == ADDITION and not on_record:
        yield "", ADDED, entry.object_repr, []
        return
    if entry.action_flag != CHANGE:
        return
    for message in messages:
        if not isinstance(message, dict) or len(message) != 1:
            continue
        verb, body = next(iter(message.items()))
        if verb not in LOG_ACTIONS or not isinstance(body, dict):
            continue
        labels = [str(label) for label in body.get("fields", ())]
        if "name" in body:
            yield body["name"], LOG_ACTIONS[verb], str(body.get("object", "")), labels
        elif verb == "changed":
            yield (None if on_record else ""), CHANGED, entry.object_repr, labels


class _LoggedRows:
    """The logged changes of one record's rows, netted: a row added and then removed was never there."""

    def __init__(self):
        self.rows = {}

    def note(self, kind, action, text, labels):
        key = (kind, text)
        previous = self.rows.get(key)
        if previous is None:
            self.rows[key] = (action, list(labels))
        elif previous[0] == ADDED and action == REMOVED:
            del self.rows[key]
        elif previous[0] == ADDED:
            return
        elif action == REMOVED or previous[0] == REMOVED:
            self.rows[key] = (action if action == REMOVED else CHANGED, [])
        else:
            self.rows[key] = (CHANGED, [*previous[1], *(label for label in labels if label not in previous[1])])

    def changes(self):
        changes = []
        for (kind, text), (action, labels) in self.rows.items():
            fields = ", ".join(_(label) for label in labels)
            changes.append(
                RowChange(
                    kind=kind.replace(" ", "-"),
                    kind_label=capfirst(_(kind)),
                    action=action,
                    text=_("%(row)s: %(fields)s") % {"row": text, "fields": fields} if fields else text,
                )
            )
        return changes


def _verbose_name_of(model):
    with translation.override(None):
        return str(model._meta.verbose_name)


def _model_named(verbose_name):
    """The model whose untranslated verbose name the admin's log gives, or None."""
    return _models_by_verbose_name().get(verbose_name)


@functools.cache
def _models_by_verbose_name():
    with translation.override(None):
        return {str(m._meta.verbose_name): m for m in reversed(apps.get_models())}


def _labels_of_many_to_many(model):
    """{label in the admin's log (untranslated): label to show} for ``model``'s many-to-many fields."""
    with translation.override(None):
        logged = [(str(capfirst(f.verbose_name)), f) for f in model._meta.many_to_many]
    return {label: str(capfirst(f.verbose_name)) for label, f in logged}


# Display ----------------------------------------------------------------------------------------------------


class _Names:
    """Names of related rows, read once per related model for every record of a batch."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.found = {}

    def want(self, related_model, *pks):
        self.wanted[related_model].update(pk for pk in pks if pk not in (None, ""))

    def load(self):
        for related_model, pks in self.wanted.items():
            if pks:
                self.found[related_model] = related_model._base_manager.in_bulk(pks)

    def get(self, related_model, pk):
        row = self.found.get(related_model, {}).get(pk)
        return str(row) if row is not None else str(pk)


def _display(model_field, value, names):
    """A value as the admin shows it: a choice by its label, a related row by its name, a date as the site
    writes it, a count with its thousands separator; empty for no value."""
    if model_field.choices and value in dict(model_field.flatchoices):
        return str(dict(model_field.flatchoices)[value])
    if value in (None, ""):
        return ""
    if model_field.is_relation:
        return names.get(model_field.related_model, value)
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateField):
        return day_date(value)
    if isinstance(model_field, models.IntegerField):
        return number(value)
    return str(value)


def _shorten_pair(before, after):
    """(before, after, shortened): both values on one line and at most about SHORT_TEXT characters, from
    just before their first difference, so that a change deep in a long body is in view."""
    before, after = " ".join(before.split()), " ".join(after.split())
    if len(before) <= SHORT_TEXT and len(after) <= SHORT_TEXT:
        return before, after, False
    start = max(0, len(os.path.commonprefix([before, after])) - LEAD_IN)
    start = before.rfind(" ", 0, start) + 1 if start else 0  # from the start of a word
    return _window(before, start), _window(after, start), True


def _window(text, start):
    if len(text) <= SHORT_TEXT and start == 0:
        return text
    piece = text[start : start + SHORT_TEXT].strip()
    return ("…" if start > 0 else "") + piece + ("…" if start + SHORT_TEXT < len(text) else "")
