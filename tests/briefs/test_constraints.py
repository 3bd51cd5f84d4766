"""Row invariants of briefs, their takeaways and recommendations, on both paths."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import BriefFactory, OrganizationFactory, RecommendationFactory, TakeawayFactory


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def create_like(instance):
    """``objects.create()`` with the values of an unsaved instance."""
    values = {name: value for name, value in field_values(instance).items() if name != "id"}
    with transaction.atomic():
        return type(instance).objects.create(**values)


def assert_refused(instance, message, *, field="__all__"):
    """Both paths refuse ``instance``: model validation with ``message`` and the database's constraint."""
    with pytest.raises(ValidationError) as validation:
        instance.full_clean()
    assert message in validation.value.message_dict.get(field, []), validation.value.message_dict

    with pytest.raises(IntegrityError):
        create_like(instance)


def assert_accepted(instance):
    instance.full_clean()
    return create_like(instance)


def test_two_takeaways_of_a_brief_cannot_share_a_position(db):
    first = TakeawayFactory(position=1)

    assert_refused(TakeawayFactory.build(brief=first.brief, position=1), "Two takeaways cannot share a position.")


def test_two_recommendations_of_a_brief_cannot_share_a_position(db):
    first = RecommendationFactory(position=1)

    assert_refused(
        RecommendationFactory.build(brief=first.brief, position=1), "Two recommendations cannot share a position."
    )


def test_positions_are_per_brief_and_per_list(db):
    takeaway = TakeawayFactory(position=1)

    assert_accepted(TakeawayFactory.build(brief=BriefFactory(), position=1))
    assert_accepted(RecommendationFactory.build(brief=takeaway.brief, position=1))
    assert_accepted(TakeawayFactory.build(brief=takeaway.brief, position=2))


def test_brief_slug_is_unique(db):
    BriefFactory(slug="isw-biggest-exchange")

    assert_refused(
        BriefFactory.build(organization=OrganizationFactory(), slug="isw-biggest-exchange"),
        "Brief with this Slug already exists.",
        field="slug",
    )
