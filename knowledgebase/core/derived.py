"""Derived data (search documents, dispute flags…): what a write makes stale, refreshed once per write.

Each app declares, for the models whose rows feed its derived data, what a saved or deleted row makes
stale, and how to refresh it::

    derived.refresher("events.search", lambda ids: events_refresh_search_documents(...))
    derived.depends(Participation, "events.search", via="event_id")
    derived.depends(Actor, "events.search", query=lambda actor: Event.objects.filter(participations__actor=actor))

``via`` names the row's foreign key to what goes stale (``"pk"`` for the row itself); a row that moves
to another parent makes the old one stale too. ``query`` gives a queryset of what goes stale.

Writes (services, the admin, imports) call ``changed(row)`` for every row they save or delete. Inside
``batch()`` the stale ids are only noted, and the outermost batch refreshes each of them once when it
ends; a batch left by an error refreshes nothing, and an inner ``batch(discard=True)`` (a dry run)
forgets what it noted. Outside any batch, ``changed`` refreshes at once. Signals do none of this: they
only invalidate the page cache (``content_version``).
"""

import contextlib
import contextvars
from collections import defaultdict
from dataclasses import dataclass

from django.db import models

BATCH_SIZE = 500  # ids per refresh

_refreshers = {}
_dependencies = defaultdict(list)
_open = contextvars.ContextVar("derived_batches", default=())


@dataclass(frozen=True)
class Dependency:
    name: str
    via: str | None = None
    query: object = None  # callable(row) -> queryset of the stale rows


def refresher(name: str, refresh) -> None:
    """Declare how to refresh ``name`` for a list of ids."""
    _refreshers[name] = refresh


def depends(model: type[models.Model], name: str, *, via: str | None = None, query=None) -> None:
    """Declare that a saved or deleted ``model`` row makes ``name`` stale for some ids."""
    _dependencies[model].append(Dependency(name, via, query))


def tracks_moves(model: type[models.Model]) -> list[str]:
    """The foreign keys of ``model`` whose stored value goes stale too when a row moves."""
    return [dependency.via for dependency in _dependencies.get(model, ()) if dependency.via not in (None, "pk")]


def stored_parents(row: models.Model) -> dict:
    """The stored values of the foreign keys that ``changed`` must also look at (one query), for a row
    about to be saved: call before ``save()`` and pass the result to ``changed(row, before=…)``."""
    fields = tracks_moves(type(row))
    if not fields or row.pk is None or row._state.adding:
        return {}
    return type(row).objects.filter(pk=row.pk).order_by().values(*fields).first() or {}


def parents_in_form(form) -> dict:
    """The stored parents of a form's row, from the values the form started with (no query)."""
    row = form.instance
    if row.pk is None or row._state.adding:
        return {}
    opts = type(row)._meta
    return {attname: form.initial.get(opts.get_field(attname).name) for attname in tracks_moves(type(row))}


def stale(row: models.Model, before: dict | None = None) -> dict[str, set]:
    """{name: ids} that saving or deleting ``row`` makes stale."""
    found = defaultdict(set)
    for dependency in _dependencies.get(type(row), ()):
        if dependency.query is not None:
            found[dependency.name].update(dependency.query(row).values_list("pk", flat=True))
            continue
        found[dependency.name].add(getattr(row, "pk" if dependency.via == "pk" else dependency.via))
        if before and before.get(dependency.via) is not None:
            found[dependency.name].add(before[dependency.via])
    return {name: ids - {None} for name, ids in found.items()}


def changed(row: models.Model, before: dict | None = None) -> None:
    """Note (inside a batch) or refresh (outside one) what saving ``row`` made stale. For a deletion,
    take ``stale(row)`` before deleting and ``note()`` it after."""
    note(stale(row, before))


def note(ids: dict[str, set]) -> None:
    """Note (inside a batch) or refresh (outside one) these stale ids."""
    if not ids:
        return
    batches = _open.get()
    if batches:
        for name, values in ids.items():
            batches[-1][name].update(values)
    else:
        refresh(ids)


def refresh(ids: dict[str, set]) -> None:
    for name, values in ids.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), BATCH_SIZE):
            _refreshers[name](ordered[start : start + BATCH_SIZE])


@contextlib.contextmanager
def batch(*, discard: bool = False):
    """Collect what goes stale in this block; the outermost batch refreshes it once at the end."""
    pending = defaultdict(set)
    token = _open.set((*_open.get(), pending))
    try:
        yield pending
    except BaseException:
        _open.reset(token)
        raise
    _open.reset(token)
    if discard:
        return
    outer = _open.get()
    if outer:
        for name, values in pending.items():
            outer[-1][name].update(values)
    else:
        refresh(pending)
