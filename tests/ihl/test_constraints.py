"""Row invariants of IHL instruments, provisions and allegations, on both paths."""

import pytest

from tests.constraints import assert_accepted, assert_refused
from tests.factories import AllegationFactory, EventFactory, InstrumentFactory, ProvisionFactory, SourceFactory

# EventFactory lacks `skip_postgeneration_save = True`, so factory_boy warns on every event it
# creates (reported; tests/factories.py is shared and its existing factories are not changed here).


def test_instrument_has_each_article_once(db):
    article_13 = ProvisionFactory(article="Article 13")

    assert_refused(
        ProvisionFactory.build(instrument=article_13.instrument, article="Article 13"),
        "This instrument already has this article.",
    )


def test_two_instruments_may_have_the_same_article_number(db):
    ProvisionFactory(article="Article 13")

    assert_accepted(ProvisionFactory.build(instrument=InstrumentFactory(), article="Article 13"))


def test_provision_slug_is_unique(db):
    ProvisionFactory(slug="gc-iii-article-13")

    assert_refused(
        ProvisionFactory.build(instrument=InstrumentFactory(), slug="gc-iii-article-13"),
        "Provision with this Slug already exists.",
        field="slug",
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("slug", "Legal instrument with this Slug already exists."),
        ("name", "Legal instrument with this Name already exists."),
    ],
)
def test_instrument_slug_and_name_are_unique(db, field, message):
    existing = InstrumentFactory(name="Geneva Convention III", slug="gc-iii")

    assert_refused(InstrumentFactory.build(**{field: getattr(existing, field)}), message, field=field)


def test_event_has_one_allegation_per_provision(db):
    allegation = AllegationFactory()

    assert_refused(
        AllegationFactory.build(event=allegation.event, provision=allegation.provision, source=SourceFactory()),
        "This event already has an allegation under this provision.",
    )


def test_event_may_be_alleged_to_violate_several_provisions(db):
    allegation = AllegationFactory()

    assert_accepted(
        AllegationFactory.build(event=allegation.event, provision=ProvisionFactory(), source=allegation.source)
    )
    assert_accepted(
        AllegationFactory.build(event=EventFactory(), provision=allegation.provision, source=allegation.source)
    )
