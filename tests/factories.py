"""Small deterministic factories: only what makes a valid row; traits for variants."""

import contextlib
import datetime

import factory
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from knowledgebase.actors.models import Actor, ActorAlias, Organization
from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core import derived
from knowledgebase.core.models import Country, Theme
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import (
    Citation,
    Event,
    EventCategory,
    EventType,
    Figure,
    FigureBreakdown,
    Measure,
    Participation,
)
from knowledgebase.ihl.models import Allegation, Instrument, Provision
from knowledgebase.sources.models import Source


def country(code):
    return Country.objects.get(code=code)


class ModelFactory(factory.django.DjangoModelFactory):
    """A row as the services would write it: what it feeds in derived data (search documents, dispute
    flags) is refreshed once its post-generation hooks (countries, themes) have run."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            derived.changed(instance)


class ThemeFactory(ModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class OrganizationFactory(ModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = "ngo"


class ActorFactory(ModelFactory):
    class Meta:
        model = Actor

    name = factory.Sequence(lambda n: f"Actor {n}")
    slug = factory.Sequence(lambda n: f"actor-{n}")
    kind = "state"


class ActorAliasFactory(ModelFactory):
    class Meta:
        model = ActorAlias

    actor = factory.SubFactory(ActorFactory)
    name = factory.Sequence(lambda n: f"Alias {n}")


class SourceFactory(ModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    kind = "report"
    publisher = factory.SubFactory(OrganizationFactory)
    published_date = datetime.date(2024, 1, 3)


class EventCategoryFactory(ModelFactory):
    class Meta:
        model = EventCategory
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class EventTypeFactory(ModelFactory):
    class Meta:
        model = EventType
        django_get_or_create = ["slug"]

    category = factory.SubFactory(EventCategoryFactory)
    name = factory.Sequence(lambda n: f"Type {n}")
    slug = factory.Sequence(lambda n: f"type-{n}")


class MeasureFactory(ModelFactory):
    class Meta:
        model = Measure
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Measure {n}")
    slug = factory.Sequence(lambda n: f"measure-{n}")


class EventFactory(ModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    event_type = factory.SubFactory(EventTypeFactory)
    start_date = datetime.date(2024, 1, 3)
    summary = "What happened."

    class Params:
        published = factory.Trait(status="published", first_published_at=factory.LazyFunction(timezone.now))

    @factory.post_generation
    def countries(self, create, codes, **kwargs):
        if create and codes:
            self.countries.set([country(code) for code in codes])


class ParticipationFactory(ModelFactory):
    class Meta:
        model = Participation

    event = factory.SubFactory(EventFactory)
    actor = factory.SubFactory(ActorFactory)
    role = "party"


class CitationFactory(ModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)


class FigureFactory(ModelFactory):
    class Meta:
        model = Figure

    event = factory.SubFactory(EventFactory)
    measure = factory.SubFactory(MeasureFactory)
    value = 100
    claimant_actor = factory.SubFactory(ActorFactory)
    source = factory.SubFactory(SourceFactory)


class FigureBreakdownFactory(ModelFactory):
    class Meta:
        model = FigureBreakdown

    figure = factory.SubFactory(FigureFactory)
    dimension = "sex"
    category = factory.Sequence(lambda n: f"category-{n}")
    value = 10


class InstrumentFactory(ModelFactory):
    class Meta:
        model = Instrument
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Instrument {n}")
    short_name = factory.Sequence(lambda n: f"Instrument {n}")
    slug = factory.Sequence(lambda n: f"instrument-{n}")


class ProvisionFactory(ModelFactory):
    class Meta:
        model = Provision

    instrument = factory.SubFactory(InstrumentFactory)
    article = factory.Sequence(lambda n: f"Article {n}")
    title = "A rule"
    slug = factory.Sequence(lambda n: f"provision-{n}")
    summary = "What the rule says."
    official_url = "https://example.org/rule"


class AllegationFactory(ModelFactory):
    class Meta:
        model = Allegation

    event = factory.SubFactory(EventFactory)
    provision = factory.SubFactory(ProvisionFactory)
    source = factory.SubFactory(SourceFactory)


class StatisticFactory(ModelFactory):
    class Meta:
        model = DisplacementStatistic

    title = factory.Sequence(lambda n: f"Statistic {n}")
    population_type = "REF"
    measurement = "stock"
    origin_scope = "global"
    host_scope = "global"
    value = 1000
    as_of_date = datetime.date(2024, 1, 1)
    claimant_organization = factory.SubFactory(OrganizationFactory)
    source = factory.SubFactory(SourceFactory)

    class Params:
        published = factory.Trait(status="published", first_published_at=factory.LazyFunction(timezone.now))


class BriefFactory(ModelFactory):
    class Meta:
        model = Brief

    title = factory.Sequence(lambda n: f"Brief {n}")
    slug = factory.Sequence(lambda n: f"brief-{n}")
    standfirst = "In short."
    organization = factory.SubFactory(OrganizationFactory)
    published_date = datetime.date(2024, 1, 3)

    class Params:
        published = factory.Trait(status="published", first_published_at=factory.LazyFunction(timezone.now))


class TakeawayFactory(ModelFactory):
    class Meta:
        model = Takeaway

    brief = factory.SubFactory(BriefFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "A takeaway."


class RecommendationFactory(ModelFactory):
    class Meta:
        model = Recommendation

    brief = factory.SubFactory(BriefFactory)
    position = factory.Sequence(lambda n: n + 1)
    audience = "governments"
    text = "Do this."


class SingleSaveEventFactory(EventFactory):
    """An event saved once, with its countries and, by slug, its themes: ``themes=["diplomacy"]``.

    ``skip_postgeneration_save`` stops factory_boy 3.3 from saving again after the hooks (it
    warns about that save, and warnings are errors here).
    """

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def themes(self, create, slugs, **kwargs):
        if create and slugs:
            self.themes.set([ThemeFactory(slug=slug, name=slug.replace("-", " ").capitalize()) for slug in slugs])


@contextlib.contextmanager
def rolled_back_for_module(django_db_blocker, setup):
    """Run ``setup()`` inside a transaction that stays open until exit, then is rolled back.

    For module-scoped fixtures: each test still runs in its own savepoint (pytest-django's
    ``db``), so tests may add rows without affecting each other, and nothing outlives the
    module. Yields what ``setup`` returns.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            result = setup()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def demo_for_module(django_db_blocker):
    """The demo loaded once for a module (loading it for each test costs about half a second)."""
    return rolled_back_for_module(django_db_blocker, lambda: call_command("load_demo", verbosity=0))
