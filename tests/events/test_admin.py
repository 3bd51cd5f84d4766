"""Pinning events on the home page is a reviewer's choice: the event form, the bulk actions and the
services let a reviewer pin and unpin, and refuse an editor whatever path they take, on drafts too."""

import pytest
from django.core.exceptions import PermissionDenied

from knowledgebase.core.services import ReviewerFieldsRequired, publishable_save, record_save
from knowledgebase.events.models import Event
from tests.admin_forms import action_choices, admin_form, messages_of, run_action
from tests.factories import EventFactory


def pinned(event):
    return Event.objects.values_list("is_pinned", flat=True).get(pk=event.pk)


# --- the event form ------------------------------------------------------------------------------


def test_a_reviewer_pins_an_event_in_the_change_form(reviewer_client):
    event = EventFactory(published=True)
    url, data = admin_form(reviewer_client, Event, event)
    assert "is_pinned" in data or 'name="is_pinned"' in reviewer_client.get(url).content.decode()
    data["is_pinned"] = ["on"]

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assert pinned(event) is True


def test_an_editor_sees_the_pin_but_cannot_change_it_on_a_draft(editor_client):
    event = EventFactory()
    url, data = admin_form(editor_client, Event, event)
    page = editor_client.get(url).content.decode()
    assert 'name="is_pinned"' not in page  # read-only for editors
    assert "Pinned on the home page" in page

    data["is_pinned"] = ["on"]  # a forged field is ignored
    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert pinned(event) is False


def test_an_editor_cannot_create_a_pinned_event(editor_client):
    event_type = EventFactory().event_type
    url, data = admin_form(editor_client, Event)
    data.update(
        title_en="Pinned by an editor",
        slug="pinned-by-an-editor",
        event_type=event_type.pk,
        start_date="2024-01-03",
        summary_en="Something.",
        is_pinned="on",
    )

    editor_client.post(url, data)

    assert Event.objects.get(slug="pinned-by-an-editor").is_pinned is False


# --- bulk actions --------------------------------------------------------------------------------


def test_a_reviewer_pins_and_unpins_events_in_bulk(reviewer_client):
    events = [EventFactory(published=True), EventFactory()]

    response = run_action(reviewer_client, Event, "pin_selected", events)
    assert [pinned(event) for event in events] == [True, True]
    assert "2 events pinned." in messages_of(response)

    run_action(reviewer_client, Event, "unpin_selected", events[:1])
    assert [pinned(event) for event in events] == [False, True]


def test_editors_are_not_offered_the_pin_actions_and_a_forged_one_changes_nothing(editor_client):
    event = EventFactory()

    assert "pin_selected" not in action_choices(editor_client, Event)
    assert "unpin_selected" not in action_choices(editor_client, Event)
    run_action(editor_client, Event, "pin_selected", [event])

    assert pinned(event) is False


# --- the services: the one gate of every path ----------------------------------------------------


def test_the_service_refuses_an_editor_who_pins_a_draft(editor):
    event = Event.objects.get(pk=EventFactory().pk)
    event.is_pinned = True

    with pytest.raises(ReviewerFieldsRequired) as refused:
        record_save(obj=event, by=editor)

    assert isinstance(refused.value, PermissionDenied)
    assert "Only a reviewer can change this: pinned on the home page." in str(refused.value)
    assert pinned(event) is False


def test_the_service_refuses_an_editor_who_unpins_an_event(editor):
    stored = EventFactory(is_pinned=True)
    event = Event.objects.get(pk=stored.pk)
    event.is_pinned = False

    with pytest.raises(ReviewerFieldsRequired):
        publishable_save(obj=event, by=editor)

    assert pinned(event) is True


def test_the_service_refuses_an_editor_who_creates_a_pinned_event(editor):
    template = EventFactory.build(event_type=EventFactory().event_type, is_pinned=True)

    with pytest.raises(ReviewerFieldsRequired):
        record_save(obj=template, by=editor)

    assert not Event.objects.filter(slug=template.slug).exists()


def test_the_service_reads_the_stored_pin_when_the_instance_was_not_read_from_the_database(editor):
    stored = EventFactory(is_pinned=True)
    event = Event(**{f.attname: getattr(stored, f.attname) for f in Event._meta.concrete_fields})
    event._state.adding = False
    event.is_pinned = False

    with pytest.raises(ReviewerFieldsRequired):
        record_save(obj=event, by=editor)


def test_an_editor_still_edits_a_pinned_draft_when_the_pin_stays(editor):
    stored = EventFactory(is_pinned=True)
    event = Event.objects.get(pk=stored.pk)
    event.title = "Retitled by an editor"

    record_save(obj=event, by=editor)

    assert Event.objects.get(pk=stored.pk).title == "Retitled by an editor"
    assert pinned(event) is True


def test_the_service_lets_a_reviewer_pin(reviewer):
    event = Event.objects.get(pk=EventFactory(published=True).pk)
    event.is_pinned = True

    record_save(obj=event, by=reviewer)

    assert pinned(event) is True
