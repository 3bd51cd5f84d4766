"""What a record waiting for review changes in its published version (core.review_diff), the preview links
of the review desk, and the staff-only preview of a displacement statistic."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.review_diff import preview_url as preview_url_of
from knowledgebase.core.review_diff import review_diff, review_diffs
from knowledgebase.core.services import (
    publishable_publish,
    publishable_save,
    publishable_transition,
    record_delete,
    record_save,
)
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Participation
from tests.admin_forms import admin_form, admin_url
from tests.factories import (
    ActorFactory,
    BriefFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    MeasureFactory,
    ParticipationFactory,
    StatisticFactory,
    ThemeFactory,
)

RETURNED = "People returned to Ukraine"


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


@pytest.fixture
def measure(db):
    return MeasureFactory(name=RETURNED, slug="returned-to-ukraine")


@pytest.fixture
def lubinets(db):
    return ActorFactory(name="Dmytro Lubinets", slug="lubinets")


def back_to_draft(obj, reviewer):
    """Published, then moved back to draft by a reviewer: what the desk diffs against."""
    publishable_publish(obj=obj, by=reviewer)
    publishable_transition(obj=obj, to_status=PublicationStatus.DRAFT, by=reviewer)
    return fresh(obj)


def published_revision(obj):
    history = type(obj).history.filter(id=obj.pk, status=PublicationStatus.PUBLISHED)
    return history.latest("history_date")


def test_a_republished_event_shows_its_title_and_figures_changed_added_and_removed(reviewer, measure, lubinets):
    event = EventFactory(title="Prisoner exchange")
    kept = FigureFactory(event=event, measure=measure, claimant_actor=lubinets, value=230)
    FigureFactory(event=event, measure=measure, value=173)  # unchanged: not listed
    dropped = FigureFactory(event=event, measure=measure, claimant_actor=lubinets, value=200, qualifier="more-than")
    event = back_to_draft(event, reviewer)

    event.title_en = "Prisoner exchange of 3 January"
    publishable_save(obj=event, by=reviewer)
    kept.value = 231
    record_save(obj=kept, by=reviewer)
    FigureFactory(event=event, measure=measure, claimant_actor=lubinets, value=12, qualifier="about")
    record_delete(obj=dropped, by=reviewer)
    diff = review_diff(fresh(event))

    assert not diff.is_new
    assert diff.has_changes
    assert diff.published_at == published_revision(event).history_date
    assert [(f.name, f.label, f.before, f.after) for f in diff.fields] == [
        ("title_en", "Title (English)", "Prisoner exchange", "Prisoner exchange of 3 January")
    ]
    assert [(row.kind, row.action, row.text) for row in diff.rows] == [
        ("figure", "changed", f"{RETURNED}: 231 (claimed by Dmytro Lubinets)"),
        ("figure", "added", f"{RETURNED}: about 12 (claimed by Dmytro Lubinets)"),
        ("figure", "removed", f"{RETURNED}: more than 200 (claimed by Dmytro Lubinets)"),
    ]
    assert [(f.label, f.before, f.after) for f in diff.rows[0].fields] == [("Value", "230", "231")]


def test_a_record_never_published_is_new_and_lists_nothing(reviewer, measure):
    event = EventFactory()
    FigureFactory(event=event, measure=measure)
    publishable_transition(obj=event, to_status=PublicationStatus.REVIEW, by=reviewer)

    diff = review_diff(fresh(event))

    assert diff.is_new
    assert diff.published_at is None
    assert (diff.fields, diff.rows, diff.untracked_fields) == ([], [], [])
    assert not diff.has_changes


def test_a_published_record_unchanged_since_has_no_change(reviewer, measure):
    event = EventFactory()
    FigureFactory(event=event, measure=measure)
    publishable_publish(obj=event, by=reviewer)
    figure = FigureFactory(event=event, measure=measure, value=5)  # a reviewer's correction, public at once
    record_save(obj=figure, by=reviewer)

    published = review_diff(fresh(event))
    moved_back = review_diff(back_to_draft(fresh(event), reviewer))

    assert not published.is_new and not published.has_changes
    assert not moved_back.has_changes


def test_figures_changed_while_published_are_not_pending_changes(reviewer, measure):
    event = EventFactory()
    figure = FigureFactory(event=event, measure=measure, value=100)
    publishable_publish(obj=event, by=reviewer)
    figure.value = 120
    record_save(obj=figure, by=reviewer)

    event = fresh(event)
    publishable_transition(obj=event, to_status=PublicationStatus.REVIEW, by=reviewer)
    diff = review_diff(fresh(event))

    assert diff.rows == []


def test_a_change_of_translation_shows_with_its_language(reviewer):
    event = back_to_draft(EventFactory(title="Exchange"), reviewer)

    event.title_uk = "Обмін полоненими"
    event.summary_uk = "Що сталося."
    publishable_save(obj=event, by=reviewer)
    diff = review_diff(fresh(event))

    assert [(f.label, f.before, f.after) for f in diff.fields] == [
        ("Title (Ukrainian)", "", "Обмін полоненими"),
        ("Summary (Ukrainian)", "", "Що сталося."),
    ]


def test_choices_related_rows_dates_and_flags_read_as_the_admin_writes_them(reviewer):
    event = back_to_draft(
        EventFactory(event_type=EventTypeFactory(name="Prisoner exchange", slug="prisoner-exchange")), reviewer
    )

    event.date_precision = "month"
    event.start_date = datetime.date(2024, 1, 1)
    event.event_type = EventTypeFactory(name="Meeting", slug="meeting")
    event.is_pinned = True
    publishable_save(obj=event, by=reviewer)
    changes = {f.name: (f.before, f.after) for f in review_diff(fresh(event)).fields}

    assert changes == {
        "start_date": ("3 January 2024", "1 January 2024"),
        "date_precision": ("Day", "Month"),
        "event_type": ("Prisoner exchange", "Meeting"),
        "is_pinned": ("No", "Yes"),
    }


def test_a_long_text_is_shortened_around_its_change_and_kept_whole(reviewer):
    body = " ".join(f"Sentence {n} of the account." for n in range(40))
    event = back_to_draft(EventFactory(body=body), reviewer)

    event.body_en = body.replace("Sentence 30 of", "Sentence thirty of")
    publishable_save(obj=event, by=reviewer)
    (change,) = review_diff(fresh(event)).fields

    assert change.is_shortened
    assert change.before_full == body and change.after_full == event.body_en
    assert change.before.startswith("…") and change.before.endswith("…")
    assert "Sentence 30 of" in change.before and "Sentence thirty of" in change.after
    assert len(change.after) <= 102


def test_a_figure_moved_to_another_event_leaves_one_and_joins_the_other(reviewer, measure):
    first, second = EventFactory(), EventFactory()
    figure = FigureFactory(event=first, measure=measure, value=50)
    first, second = back_to_draft(first, reviewer), back_to_draft(second, reviewer)

    figure.event = second
    record_save(obj=figure, by=reviewer)
    diffs = review_diffs(Event.objects.filter(pk__in=[first.pk, second.pk]))

    assert [(row.action, row.text) for row in diffs[first.pk].rows] == [
        ("removed", f"{RETURNED}: 50 (claimed by {figure.claimant_actor})")
    ]
    assert [row.action for row in diffs[second.pk].rows] == ["added"]


def test_statistics_and_briefs_are_diffed_too(reviewer):
    statistic = back_to_draft(StatisticFactory(value=1000), reviewer)
    brief = back_to_draft(BriefFactory(standfirst="In short."), reviewer)

    statistic.value, statistic.population_type = 1200, "IDP"
    publishable_save(obj=statistic, by=reviewer)
    brief.standfirst_en = "In brief."
    publishable_save(obj=brief, by=reviewer)

    assert [(f.label, f.before, f.after) for f in review_diff(fresh(statistic)).fields] == [
        ("Value", "1,000", "1,200"),
        ("Population type", "Refugees", "Internally displaced people"),
    ]
    assert [(f.label, f.before, f.after) for f in review_diff(fresh(brief)).fields] == [
        ("Standfirst (English)", "In short.", "In brief.")
    ]


def inline_row(data, prefix, **values):
    """Fill the next empty form of an inline (``prefix``) in posted ``data``."""
    index = int(data[f"{prefix}-INITIAL_FORMS"][0])
    data[f"{prefix}-TOTAL_FORMS"] = [str(max(index + 1, int(data[f"{prefix}-TOTAL_FORMS"][0])))]
    data.update({f"{prefix}-{index}-{name}": [str(value)] for name, value in values.items()})


@pytest.fixture
def published_exchange(reviewer, measure):
    """A published event with a figure and a participant, as a reviewer finds it."""
    event = EventFactory(title="Exchange")
    FigureFactory(event=event, measure=measure, value=100, as_of_date=event.start_date)
    ParticipationFactory(event=event, actor=ActorFactory(name="Russia", slug="russia"), role="party")
    publishable_publish(obj=event, by=reviewer)
    return fresh(event)


def test_a_reviewer_who_moves_an_event_back_and_edits_it_in_one_submit_sees_every_change(
    reviewer_client, published_exchange
):
    event = published_exchange
    theme = ThemeFactory(name="Prisoners of war", slug="pows")
    url, data = admin_form(reviewer_client, Event, event)
    data.update(
        {
            "status": ["draft"],
            "title_en": ["Exchange of 3 January"],
            "themes": [str(theme.pk)],
            "figures-0-value": ["120"],
            "participations-0-DELETE": ["on"],
        }
    )
    inline_row(data, "participations", actor=ActorFactory(name="Ukraine", slug="ukraine").pk, role="mediator")

    response = reviewer_client.post(url, data)
    diff = review_diff(fresh(event))

    assert response.status_code == 302
    assert [(f.label, f.before, f.after) for f in diff.fields] == [
        ("Title (English)", "Exchange", "Exchange of 3 January")
    ]
    assert [(row.kind, row.action, row.text) for row in diff.rows] == [
        ("figure", "changed", f"{RETURNED}: 120 (claimed by {event.figures.get().claimant_actor})"),
        ("participation", "added", "Ukraine (Mediator)"),
        ("participation", "removed", "Russia (Party)"),
    ]
    assert [(f.before, f.after) for f in diff.rows[0].fields] == [("100", "120")]
    assert diff.untracked_fields == ["Themes"]


def test_a_row_changed_on_its_own_admin_page_shows_too(reviewer_client, reviewer, published_exchange):
    event = back_to_draft(published_exchange, reviewer)
    participation = event.participations.get()
    url, data = admin_form(reviewer_client, Participation, participation)
    data["role"] = ["observer"]

    response = reviewer_client.post(url, data)
    diff = review_diff(fresh(event))

    assert response.status_code == 302
    assert [(row.kind, row.action, row.text) for row in diff.rows] == [
        ("participation", "changed", "Russia (Observer): Role")
    ]


def test_the_admins_log_of_a_still_published_record_is_no_pending_change(reviewer_client, published_exchange):
    url, data = admin_form(reviewer_client, Event, published_exchange)
    data["participations-0-DELETE"] = ["on"]

    reviewer_client.post(url, data)

    assert not review_diff(fresh(published_exchange)).has_changes


def test_review_diffs_costs_the_same_queries_for_one_event_or_many(reviewer, measure, lubinets):
    def changed_event():
        event = EventFactory()
        FigureFactory(event=event, measure=measure, claimant_actor=lubinets)
        event = back_to_draft(event, reviewer)
        event.title_en = f"{event.title}, corrected"
        event.event_type = EventTypeFactory()
        publishable_save(obj=event, by=reviewer)
        FigureFactory(event=event, measure=measure, claimant_actor=lubinets, value=7)
        return event

    one = [changed_event()]
    review_diffs(Event.objects.filter(pk__in=[e.pk for e in one]))  # the content types are read once
    many = one + [changed_event() for _ in range(4)]

    with CaptureQueriesContext(connection) as for_one:
        review_diffs(Event.objects.filter(pk__in=[e.pk for e in one]))
    with CaptureQueriesContext(connection) as for_many:
        diffs = review_diffs(Event.objects.filter(pk__in=[e.pk for e in many]))

    assert len(for_many) == len(for_one) <= 14
    assert all(len(diff.rows) == 1 and len(diff.fields) == 2 for diff in diffs.values())


def test_review_diffs_takes_one_model_at_a_time(db):
    with pytest.raises(ValueError):
        review_diffs([EventFactory(), BriefFactory()])


def test_the_include_renders_a_diff_compactly(reviewer, measure):
    body = "An account. " * 30
    event = back_to_draft(EventFactory(body=body), reviewer)
    event.body_en = body + "A new sentence."
    publishable_save(obj=event, by=reviewer)
    FigureFactory(event=event, measure=measure, value=9)

    changed = render_to_string("admin/includes/review_diff.html", {"diff": review_diff(fresh(event))})
    new = render_to_string("admin/includes/review_diff.html", {"diff": review_diff(EventFactory())})

    assert '<th scope="row">Body (English)</th>' in changed
    assert f'title="{body}A new sentence.">…account. An account. An account. A new sentence.</td>' in changed
    assert "Figure · added:</span> People returned to Ukraine: 9" in changed
    assert "New record" in new and "review-diff-table" not in new


# Preview links ---------------------------------------------------------------------------------------------


def test_a_draft_event_and_brief_preview_at_their_public_address_for_an_editor(editor_client):
    event, brief = EventFactory(title="Draft exchange"), BriefFactory(title="Draft brief")

    for record in (event, brief):
        url = preview_url_of(record)
        page = editor_client.get(url)

        assert url == record.get_absolute_url()
        assertContains(page, record.title)
        assertContains(page, "Preview for editors")


def test_a_draft_preview_is_not_found_for_readers(client, db):
    event, brief = EventFactory(), BriefFactory()

    assert client.get(preview_url_of(event)).status_code == 404
    assert client.get(preview_url_of(brief)).status_code == 404


# A statistic's preview in the admin --------------------------------------------------------------------------


@pytest.fixture
def draft_statistic(db):
    return StatisticFactory(title="Refugees from Ukraine in Poland", value=956635, population_type="REF")


def test_a_statistics_preview_link_is_the_admins_preview(draft_statistic):
    assert preview_url_of(draft_statistic) == f"/admin/displacement/displacementstatistic/{draft_statistic.pk}/preview/"


def test_staff_see_a_draft_statistic_as_the_explorer_will_show_it(editor_client, draft_statistic):
    response = editor_client.get(preview_url_of(draft_statistic))

    assert response.status_code == 200
    assertContains(response, "Preview for editors")
    assertContains(response, '<th scope="row">Refugees from Ukraine in Poland')  # the explorer's row
    assertContains(response, '<strong class="figure-big">956,635</strong>')  # the card of country pages
    assertContains(response, 'id="displacement-series"')  # the explorer's chart
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')


def test_the_chart_of_an_undated_statistic_says_it_is_left_out(editor_client):
    statistic = StatisticFactory(as_of_date=None, as_of_note="undated page")

    response = editor_client.get(preview_url_of(statistic))

    assertContains(response, "the explorer’s chart leaves it out")
    assertNotContains(response, 'id="displacement-series"')


def test_readers_are_sent_to_sign_in_and_staff_without_view_rights_get_404(client, django_user_model, draft_statistic):
    url = preview_url_of(draft_statistic)
    anonymous = client.get(url)
    staff = django_user_model.objects.create_user(username="clerk", password="pw", is_staff=True)
    client.force_login(staff)
    no_rights = client.get(url)
    staff.user_permissions.add(Permission.objects.get(codename="view_displacementstatistic"))
    with_rights = client.get(url)

    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert no_rights.status_code == 404
    assert with_rights.status_code == 200


@pytest.mark.parametrize("object_id", ["999999", "abc", "1%2F..%2F2", "-1"])
def test_a_preview_of_no_statistic_is_not_found(editor_client, object_id):
    assert editor_client.get(f"/admin/displacement/displacementstatistic/{object_id}/preview/").status_code == 404


def test_the_statistics_preview_has_a_fixed_query_budget(editor_client, draft_statistic, django_assert_max_num_queries):
    for year in range(2015, 2024):
        StatisticFactory(published=True, population_type="REF", as_of_date=datetime.date(year, 6, 30))
    url = admin_url(DisplacementStatistic, "preview", draft_statistic.pk)

    with django_assert_max_num_queries(9):
        response = editor_client.get(url)

    assert response.status_code == 200
