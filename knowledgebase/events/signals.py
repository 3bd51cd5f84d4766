"""Keep events' derived fields (search document, dispute flag) in step with what they derive from.

Fixture loading (``raw``) skips these; ``load_demo`` refreshes everything afterwards.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.events.services import events_refresh_dispute_flags, events_refresh_search_documents


@receiver(post_save, sender=Event)
def event_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        events_refresh_search_documents(events=Event.objects.filter(pk=instance.pk))


@receiver([post_save, post_delete], sender=Participation)
def participation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        events_refresh_search_documents(events=Event.objects.filter(pk=instance.event_id))


@receiver([post_save, post_delete], sender=ActorAlias)
def alias_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        events_refresh_search_documents(events=Event.objects.filter(participations__actor_id=instance.actor_id))


@receiver(post_save, sender=Actor)
def actor_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        events_refresh_search_documents(events=Event.objects.filter(participations__actor=instance))


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        events_refresh_search_documents(events=Event.objects.filter(participations__organization=instance))


@receiver([post_save, post_delete], sender=Figure)
def figure_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        events_refresh_dispute_flags(event_ids=[instance.event_id])
