"""Row invariants of briefs, their takeaways and recommendations, on both paths."""

from tests.constraints import assert_accepted, assert_refused
from tests.factories import BriefFactory, OrganizationFactory, RecommendationFactory, TakeawayFactory


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
