"""Writes go through the services, the publication workflow's among them: one refresh of derived data per
write, attribution in the history, and the same rules whatever the path (admin form with its inline
rows, deletion, import)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from knowledgebase.briefs.models import Brief
from knowledgebase.core import derived
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import (
    ReviewRequired,
    can_publish,
    publish_permission,
    publishable_publish,
    publishable_retract,
    publishable_submit,
    publishable_transition,
    record_delete,
    record_save,
)
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events import derived as events_derived
from knowledgebase.events.models import Event, Figure
from tests.admin_forms import PUBLISHABLE, admin_form, admin_url, status_of
from tests.factories import (
    ActorFactory,
    EventFactory,
    FigureBreakdownFactory,
    FigureFactory,
    MeasureFactory,
    ParticipationFactory,
    SourceFactory,
)


@pytest.fixture
def refreshes(monkeypatch):
    """Every refresh of events' derived fields, as (kind, ids)."""
    calls = []
    search, disputes = events_derived.events_refresh_search_documents, events_derived.events_refresh_dispute_flags

    def count_search(*, events):
        calls.append(("search", sorted(events.values_list("pk", flat=True))))
        return search(events=events)

    def count_disputes(*, event_ids):
        calls.append(("disputes", sorted(event_ids)))
        return disputes(event_ids=event_ids)

    monkeypatch.setattr(events_derived, "events_refresh_search_documents", count_search)
    monkeypatch.setattr(events_derived, "events_refresh_dispute_flags", count_disputes)
    return calls


def unsaved_figure(event, value):
    return FigureFactory.build(
        event=event, value=value, measure=MeasureFactory(), claimant_actor=ActorFactory(), source=SourceFactory()
    )


@pytest.fixture
def event_with_rows(db):
    event = EventFactory(title="An exchange with many rows")
    for number in range(3):
        ParticipationFactory(event=event, actor=ActorFactory(name=f"Participant {number}"), role="party")
    for value in (100, 110, 120, 130):
        FigureFactory(event=event, value=value)
    return event


def test_one_admin_save_with_inline_rows_refreshes_derived_data_once(reviewer_client, event_with_rows, refreshes):
    url, values = admin_form(reviewer_client, Event, event_with_rows)
    refreshes.clear()
    values["title_en"] = ["Renamed, with rows changed"]
    for index in range(3):
        values[f"participations-{index}-note"] = [f"Note {index}"]
    for index in range(4):
        values[f"figures-{index}-value"] = [str(200 + index)]

    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.post(url, values)

    assert response.status_code == 302
    assert refreshes == [("search", [event_with_rows.pk]), ("disputes", [event_with_rows.pk])]
    assert "renamed, with rows changed" in Event.objects.get(pk=event_with_rows.pk).search_document
    assert sorted(Figure.objects.filter(event=event_with_rows).values_list("value", flat=True)) == [200, 201, 202, 203]
    # The whole save of an event and seven changed rows: about 110 of these queries are the admin forms'
    # own validation (Django checks each CheckConstraint of each row with a query in a savepoint).
    assert len(queries) <= 195, len(queries)


def test_moving_a_figure_in_its_own_admin_refreshes_both_events(reviewer_client, db):
    disputed = EventFactory()
    FigureFactory(event=disputed, value=100)
    moved = FigureFactory(event=disputed, value=200, measure=Figure.objects.get(event=disputed).measure)
    other = EventFactory()
    assert Event.objects.get(pk=disputed.pk).has_disputed_figures
    url, values = admin_form(reviewer_client, Figure, moved)
    values["event"] = [str(other.pk)]

    assert reviewer_client.post(url, values).status_code == 302

    assert not Event.objects.get(pk=disputed.pk).has_disputed_figures


def test_a_deleted_participant_leaves_the_search_document(reviewer_client, db):
    event = EventFactory()
    participation = ParticipationFactory(event=event, actor=ActorFactory(name="Zyzzyva Quillfeather"), role="party")
    assert "zyzzyva" in Event.objects.get(pk=event.pk).search_document

    response = reviewer_client.post(admin_url(type(participation), "delete", participation.pk), {"post": "yes"})

    assert response.status_code == 302
    assert "zyzzyva" not in Event.objects.get(pk=event.pk).search_document


def test_a_service_records_who_wrote_and_why(editor, db):
    event = EventFactory(title="Before")
    event.title = "After"

    record_save(obj=event, by=editor, note="Title taken from the source")

    revision = Event.history.filter(id=event.pk).latest("history_date")
    assert revision.history_user == editor
    assert revision.history_change_reason == "Title taken from the source"


def test_a_service_validates_before_it_saves(editor, db):
    event = EventFactory()
    event.end_date = event.start_date.replace(year=event.start_date.year - 1)

    with pytest.raises(Exception, match="end date"):
        record_save(obj=event, by=editor)

    assert Event.objects.get(pk=event.pk).end_date is None


def test_a_deletion_refreshes_after_the_row_is_gone(editor, db, refreshes):
    figure = FigureFactory()
    refreshes.clear()

    record_delete(obj=figure, by=editor)

    assert refreshes == [("disputes", [figure.event_id])]
    assert not Figure.objects.filter(pk=figure.pk).exists()


def test_writes_in_one_batch_refresh_each_record_once_at_the_end(editor, db, refreshes):
    event = EventFactory()
    refreshes.clear()

    with derived.batch():
        for value in (1, 2, 3):
            record_save(obj=unsaved_figure(event, value), by=editor)
        assert refreshes == []

    assert refreshes == [("disputes", [event.pk])]


def test_a_discarded_batch_refreshes_nothing_and_an_inner_batch_joins_the_outer_one(editor, db, refreshes):
    event = EventFactory()
    refreshes.clear()

    with derived.batch():
        with derived.batch(discard=True):
            record_save(obj=unsaved_figure(event, 5), by=editor)
        with derived.batch():
            record_save(obj=unsaved_figure(event, 6), by=editor)
        assert refreshes == []

    assert refreshes == [("disputes", [event.pk])]


def test_a_batch_left_by_an_error_refreshes_nothing(editor, db, refreshes):
    event = EventFactory()
    refreshes.clear()

    with pytest.raises(RuntimeError), derived.batch():
        record_save(obj=unsaved_figure(event, 5), by=editor)
        raise RuntimeError("the write failed")

    assert refreshes == []


# --- the publication workflow ---------------------------------------------------------------------


def test_publish_permission_is_named_after_the_model():
    assert publish_permission(Event) == "events.publish_event"
    assert publish_permission(DisplacementStatistic) == "displacement.publish_displacementstatistic"
    assert publish_permission(Brief) == "briefs.publish_brief"


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_only_reviewers_hold_the_publish_permission(editor, reviewer, model, factory):
    assert not can_publish(editor, model)
    assert can_publish(reviewer, model)


def test_an_inactive_reviewer_cannot_publish(reviewer):
    reviewer.is_active = False
    reviewer.save()

    assert not can_publish(reviewer, Event)


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_submits_a_draft_for_review(editor, model, factory):
    record = factory()

    publishable_submit(obj=record, by=editor)

    assert status_of(record) == PublicationStatus.REVIEW
    record.refresh_from_db()
    assert record.first_published_at is None


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_cannot_publish_through_the_service(editor, model, factory):
    record = factory(status=PublicationStatus.REVIEW)

    with pytest.raises(PermissionDenied):
        publishable_publish(obj=record, by=editor)

    assert status_of(record) == PublicationStatus.REVIEW
    record.refresh_from_db()
    assert record.first_published_at is None


def test_editor_cannot_retract_or_unpublish_through_the_service(editor):
    event = EventFactory(published=True)

    with pytest.raises(PermissionDenied):
        publishable_retract(obj=event, by=editor, note="Wrong date.")
    with pytest.raises(PermissionDenied):
        publishable_transition(obj=event, to_status=PublicationStatus.DRAFT, by=editor)

    assert status_of(event) == PublicationStatus.PUBLISHED


def test_nobody_logged_in_cannot_publish():
    assert not can_publish(None, Event)


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_reviewer_publishing_stamps_first_published_at(reviewer, model, factory):
    record = factory(status=PublicationStatus.REVIEW)
    before = timezone.now()

    publishable_publish(obj=record, by=reviewer)

    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED
    assert before <= record.first_published_at <= timezone.now()
    assert record.retracted_at is None


def test_republishing_keeps_the_first_publication_time(reviewer):
    event = EventFactory(status=PublicationStatus.REVIEW)
    publishable_publish(obj=event, by=reviewer)
    event.refresh_from_db()
    first = event.first_published_at

    publishable_retract(obj=event, by=reviewer, note="The date was wrong.")
    publishable_publish(obj=event, by=reviewer)

    event.refresh_from_db()
    assert event.status == PublicationStatus.PUBLISHED
    assert event.first_published_at == first
    assert event.retracted_at is None


def test_retraction_needs_a_note(reviewer):
    event = EventFactory(published=True)

    with pytest.raises(ValidationError) as excinfo:
        publishable_retract(obj=event, by=reviewer)

    assert "retraction_note" in excinfo.value.message_dict
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_retraction_keeps_the_note_and_stamps_the_time(reviewer):
    event = EventFactory(published=True)
    before = timezone.now()

    publishable_retract(obj=event, by=reviewer, note="Figures were misattributed.")

    event.refresh_from_db()
    assert event.status == PublicationStatus.RETRACTED
    assert event.retraction_note == "Figures were misattributed."
    assert before <= event.retracted_at <= timezone.now()
    assert event.first_published_at is not None


def test_editor_may_take_a_record_back_from_review(editor):
    event = EventFactory(status=PublicationStatus.REVIEW)

    publishable_transition(obj=event, to_status=PublicationStatus.DRAFT, by=editor)

    assert status_of(event) == PublicationStatus.DRAFT


# --- the one review gate, whatever path calls the services --------------------------------------------


def test_the_gate_refuses_an_editor_a_row_of_a_published_record(editor, db):
    figure = FigureFactory(event=EventFactory(published=True), value=100)
    figure.value = 101

    with pytest.raises(ReviewRequired) as refused:
        record_save(obj=figure, by=editor)

    assert (refused.value.reason, refused.value.record) == ("changes", figure.event)
    assert Figure.objects.get(pk=figure.pk).value == 100


def test_the_gate_refuses_an_editor_moving_a_row_away_from_a_published_record(editor, db):
    published = EventFactory(published=True)
    figure = FigureFactory(event=published)
    figure.event = EventFactory()

    with pytest.raises(ReviewRequired) as refused:
        record_save(obj=figure, by=editor)

    assert (refused.value.reason, refused.value.record) == ("leaves", published)
    assert Figure.objects.get(pk=figure.pk).event_id == published.pk


def test_the_gate_refuses_an_editor_moving_a_row_onto_a_published_record(editor, db):
    figure = FigureFactory(event=EventFactory())
    figure.event = EventFactory(published=True)

    with pytest.raises(ReviewRequired) as refused:
        record_save(obj=figure, by=editor)

    assert refused.value.reason == "joins"


def test_the_gate_refuses_an_editor_deleting_a_row_of_a_published_record(editor, db):
    participation = ParticipationFactory(event=EventFactory(published=True), actor=ActorFactory(), role="party")

    with pytest.raises(ReviewRequired):
        record_delete(obj=participation, by=editor)

    assert type(participation).objects.filter(pk=participation.pk).exists()


def test_the_gate_follows_a_rows_path_to_its_record(editor, db):
    breakdown = FigureBreakdownFactory(figure=FigureFactory(event=EventFactory(published=True), value=100), value=10)
    breakdown.value = 20

    with pytest.raises(ReviewRequired):
        record_save(obj=breakdown, by=editor)


def test_a_reviewer_passes_the_gate(reviewer, db):
    figure = FigureFactory(event=EventFactory(published=True), value=100)
    figure.event = EventFactory(published=True)
    figure.value = 101

    record_save(obj=figure, by=reviewer)

    assert Figure.objects.get(pk=figure.pk).value == 101
