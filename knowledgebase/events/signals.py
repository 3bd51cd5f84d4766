"""Keep events' derived fields (search document, dispute flag) in step with what they derive from.

Fixture loading (``raw``) skips these; ``load_demo`` refreshes everything afterwards.

Every handler asks ``refresh_events()``, which refreshes at once, or, inside
``event_refreshes_deferred()`` (a spreadsheet import), only notes the events: the import refreshes
them all once after its rows, and a dry run refreshes nothing.
"""

import contextlib
import contextvars

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.events.services import events_refresh_dispute_flags, events_refresh_search_documents

BATCH = 500  # events per refresh query

_pending = contextvars.ContextVar("events_pending_refresh", default=None)


class PendingRefresh:
    """Events whose search documents or dispute flags wait for one refresh."""

    def __init__(self):
        self.search = set()
        self.disputes = set()

    def add(self, *, search=(), disputes=()):
        self.search.update(search.values_list("pk", flat=True) if isinstance(search, QuerySet) else search)
        self.disputes.update(disputes)

    def flush(self):
        """Refresh every event noted so far, in a few queries per batch of events."""
        search, disputes = sorted(self.search - {None}), sorted(self.disputes - {None})
        self.search.clear()
        self.disputes.clear()
        for start in range(0, len(search), BATCH):
            events_refresh_search_documents(events=Event.objects.filter(pk__in=search[start : start + BATCH]))
        for start in range(0, len(disputes), BATCH):
            events_refresh_dispute_flags(event_ids=disputes[start : start + BATCH])


@contextlib.contextmanager
def event_refreshes_deferred():
    """Within this block the handlers note the events to refresh instead of refreshing each at once.
    ``flush()`` on the yielded object refreshes them; what is not flushed is dropped (a dry run)."""
    token = _pending.set(PendingRefresh())
    try:
        yield _pending.get()
    finally:
        _pending.reset(token)


def refresh_events(*, search=(), disputes=()):
    """Refresh the search documents of ``search`` (a queryset of events, or event ids) and the dispute
    flags of the events ``disputes`` (ids): now, or once at the end of a deferring block."""
    pending = _pending.get()
    if pending is not None:
        pending.add(search=search, disputes=disputes)
        return
    if isinstance(search, QuerySet):
        events_refresh_search_documents(events=search)
    elif search:
        events_refresh_search_documents(events=Event.objects.filter(pk__in=search))
    if disputes:
        events_refresh_dispute_flags(event_ids=disputes)


@receiver(post_save, sender=Event)
def event_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_events(search=[instance.pk])


@receiver([post_save, post_delete], sender=Participation)
def participation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_events(search=[instance.event_id])


@receiver([post_save, post_delete], sender=ActorAlias)
def alias_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_events(search=Event.objects.filter(participations__actor_id=instance.actor_id))


@receiver(post_save, sender=Actor)
def actor_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_events(search=Event.objects.filter(participations__actor=instance))


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        refresh_events(search=Event.objects.filter(participations__organization=instance))


@receiver(pre_save, sender=Figure)
def figure_saving(sender, instance, raw=False, **kwargs):
    """Note the event a stored figure belongs to before the save, so that a figure moved to another
    event refreshes the event it leaves as well as the one it joins."""
    if not raw and not instance._state.adding:
        instance._event_before_save = Figure.objects.filter(pk=instance.pk).values_list("event_id", flat=True).first()


@receiver([post_save, post_delete], sender=Figure)
def figure_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh_events(disputes={instance.event_id, getattr(instance, "_event_before_save", None)} - {None})
