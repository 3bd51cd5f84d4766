"""Keep briefs' search documents in step (fixture loads are skipped; ``load_demo`` refreshes)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from knowledgebase.actors.models import Organization
from knowledgebase.briefs.models import Brief, Takeaway
from knowledgebase.briefs.services import briefs_refresh_search_documents


@receiver(post_save, sender=Brief)
def brief_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        briefs_refresh_search_documents(briefs=Brief.objects.filter(pk=instance.pk))


@receiver([post_save, post_delete], sender=Takeaway)
def takeaway_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        briefs_refresh_search_documents(briefs=Brief.objects.filter(pk=instance.brief_id))


@receiver(post_save, sender=Organization)
def organization_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        briefs_refresh_search_documents(briefs=Brief.objects.filter(organization=instance))
