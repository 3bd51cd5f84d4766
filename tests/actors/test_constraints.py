"""Row invariants of actors, aliases and organisations, on both paths: model validation and the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from knowledgebase.actors.models import Actor, Organization
from tests.constraints import assert_accepted, assert_refused, create_like
from tests.factories import ActorAliasFactory, ActorFactory, OrganizationFactory

# An id no sequence reaches in a test, for rows that must refer to themselves on insert.
SELF_ID = 900_001


ENTITIES = [
    pytest.param(ActorFactory, "actor", "An actor cannot be affiliated to itself.", id="actor"),
    pytest.param(OrganizationFactory, "organization", "An organisation cannot be part of itself.", id="organization"),
]


@pytest.mark.parametrize(("factory", "prefix", "message"), ENTITIES)
def test_database_refuses_an_entity_created_as_its_own_parent(db, factory, prefix, message):
    with pytest.raises(IntegrityError) as database:
        create_like(factory.build(id=SELF_ID, parent_id=SELF_ID), keep_id=True)

    assert f"{prefix}_not_own_parent" in str(database.value)


@pytest.mark.parametrize(("factory", "prefix", "message"), ENTITIES)
def test_entity_cannot_be_made_its_own_parent(db, factory, prefix, message):
    entity = factory()
    entity.parent = entity

    with pytest.raises(ValidationError) as validation:
        entity.full_clean()
    with pytest.raises(IntegrityError) as database, transaction.atomic():
        entity.save()

    assert validation.value.messages == [message]
    assert f"{prefix}_not_own_parent" in str(database.value)


@pytest.mark.parametrize(("factory", "prefix", "message"), ENTITIES)
def test_entity_may_belong_to_another(db, factory, prefix, message):
    parent = factory()

    child = assert_accepted(factory.build(parent=parent))

    assert child.parent == parent


@pytest.mark.parametrize(
    ("factory", "message"),
    [
        (ActorFactory, "Another actor already has this Wikidata QID."),
        (OrganizationFactory, "Another organisation already has this Wikidata QID."),
    ],
    ids=["actor", "organization"],
)
def test_wikidata_qid_is_unique(db, factory, message):
    factory(wikidata_qid="Q212")

    assert_refused(factory.build(wikidata_qid="Q212"), message)


@pytest.mark.parametrize("factory", [ActorFactory, OrganizationFactory], ids=["actor", "organization"])
def test_many_entities_may_have_no_wikidata_qid(db, factory):
    factory(wikidata_qid="")

    assert_accepted(factory.build(wikidata_qid=""))


@pytest.mark.parametrize(("factory", "prefix"), [(ActorFactory, "actor"), (OrganizationFactory, "organization")])
@pytest.mark.parametrize("qid", ["212", "Q", "Q0212", "q212", "Q21a", "Q 212"])
def test_wikidata_qid_is_a_q_and_digits(db, factory, prefix, qid):
    assert_refused(
        factory.build(wikidata_qid=qid),
        "A Wikidata QID is a Q followed by digits, e.g. Q212.",
        constraint=f"{prefix}_wikidata_qid_format",
    )


@pytest.mark.parametrize("factory", [ActorFactory, OrganizationFactory], ids=["actor", "organization"])
def test_wellformed_wikidata_qid_is_accepted(db, factory):
    assert_accepted(factory.build(wikidata_qid="Q1"))
    assert_accepted(factory.build(wikidata_qid="Q2135498"))


def test_actor_has_each_alias_once(db):
    alias = ActorAliasFactory(name="Medvechuk")

    assert_refused(
        ActorAliasFactory.build(actor=alias.actor, name="Medvechuk"),
        "This actor already has this alias.",
    )


def test_two_actors_may_share_an_alias(db):
    ActorAliasFactory(name="the ministry")

    assert_accepted(ActorAliasFactory.build(actor=ActorFactory(), name="the ministry"))


@pytest.mark.parametrize(
    ("factory", "model"), [(ActorFactory, Actor), (OrganizationFactory, Organization)], ids=["actor", "organization"]
)
def test_slug_is_unique(db, factory, model):
    factory(slug="institute-for-the-study-of-war")

    assert_refused(
        factory.build(slug="institute-for-the-study-of-war"),
        f"{model._meta.verbose_name.capitalize()} with this Slug already exists.",
        field="slug",
    )
