"""Every admin path by which a record could reach the public (change form, add form, bulk actions,
inlines, child admins, deletion): an editor drafts and submits for review, only a reviewer publishes or
retracts, and the record stays as it was whatever door an editor tries."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.models import PublicationStatus
from knowledgebase.core.services import (
    ERROR_NOT_REVIEWER,
)
from knowledgebase.events.models import Citation, Event, Figure, FigureBreakdown, Participation
from knowledgebase.ihl.models import Allegation
from tests.admin_forms import (
    PUBLISHABLE,
    action_choices,
    admin_form,
    admin_url,
    form_values,
    messages_of,
    run_action,
    status_of,
)
from tests.factories import (
    ActorFactory,
    AllegationFactory,
    BriefFactory,
    CitationFactory,
    EventFactory,
    FigureBreakdownFactory,
    FigureFactory,
    MeasureFactory,
    ParticipationFactory,
    ProvisionFactory,
    RecommendationFactory,
    SourceFactory,
    TakeawayFactory,
)

# --- admin: what an editor may do ----------------------------------------------------------------


def test_editor_creates_a_draft_event_in_the_admin(editor_client):
    event_type = EventFactory().event_type
    url, data = admin_form(editor_client, Event)
    data.update(
        title_en="Exchange of bodies",
        slug="exchange-of-bodies",
        event_type=event_type.pk,
        start_date="2024-01-03",
        summary_en="Both sides returned remains.",
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302
    event = Event.objects.get(slug="exchange-of-bodies")
    assert event.status == PublicationStatus.DRAFT
    assert event.first_published_at is None


def test_editor_edits_a_draft_and_submits_it_for_review_in_the_change_form(editor_client):
    event = EventFactory(title="Old title")
    url, data = admin_form(editor_client, Event, event)
    data.update(title_en="New title", status=PublicationStatus.REVIEW)

    response = editor_client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.title, event.status) == ("New title", PublicationStatus.REVIEW)


def test_editor_submits_drafts_for_review_with_the_bulk_action(editor_client):
    draft = EventFactory()
    published = EventFactory(published=True)

    response = run_action(editor_client, Event, "submit_for_review", [draft, published])

    assert response.status_code == 302
    assert status_of(draft) == PublicationStatus.REVIEW
    assert status_of(published) == PublicationStatus.PUBLISHED


def test_editor_deletes_a_draft(editor_client):
    draft = EventFactory()

    response = editor_client.post(admin_url(Event, "delete", draft.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=draft.pk).exists()


# --- admin: an editor cannot publish by any path -------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_is_not_offered_public_statuses_in_the_change_form(editor_client, model, factory):
    record = factory()

    response = editor_client.get(admin_url(model, "change", record.pk))

    offered = {value for value, _label in response.context["adminform"].form.fields["status"].choices}
    assert offered == {PublicationStatus.DRAFT, PublicationStatus.REVIEW}


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
@pytest.mark.parametrize("to_status", [PublicationStatus.PUBLISHED, PublicationStatus.RETRACTED])
def test_editor_cannot_publish_through_the_change_form(editor_client, model, factory, to_status):
    record = factory(status=PublicationStatus.REVIEW)
    url, data = admin_form(editor_client, model, record)
    data.update(status=to_status, retraction_note="Because.")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert status_of(record) == PublicationStatus.REVIEW


def test_editor_cannot_publish_through_the_add_form(editor_client):
    event_type = EventFactory().event_type
    url, data = admin_form(editor_client, Event)
    data.update(
        title_en="Sneaky",
        slug="sneaky",
        event_type=event_type.pk,
        start_date="2024-01-03",
        summary_en="Published without review.",
        status=PublicationStatus.PUBLISHED,
    )

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert not Event.objects.filter(slug="sneaky").exists()


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_published_record_is_read_only_for_an_editor(editor_client, model, factory):
    record = factory(published=True)

    response = editor_client.get(admin_url(model, "change", record.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assertNotContains(response, 'name="_save"')


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_cannot_post_changes_to_a_published_record(client, editor, reviewer, model, factory):
    record = factory(published=True)
    client.force_login(reviewer)
    url, data = admin_form(client, model, record)
    data.update(status=PublicationStatus.DRAFT, title_en="Changed by an editor")
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED
    assert record.title != "Changed by an editor"


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_is_not_offered_publish_or_retract_actions(editor_client, model, factory):
    choices = action_choices(editor_client, model)

    assert "submit_for_review" in choices
    assert "publish_selected" not in choices
    assert "retract_selected" not in choices


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_a_forged_publish_action_does_not_publish(editor_client, model, factory):
    record = factory(status=PublicationStatus.REVIEW)

    response = run_action(editor_client, model, "publish_selected", [record])

    assert response.status_code in {302, 403}
    assert status_of(record) == PublicationStatus.REVIEW


def test_a_forged_retract_action_does_not_retract(editor_client):
    event = EventFactory(published=True)

    response = run_action(editor_client, Event, "retract_selected", [event], apply="1", note="Forged.")

    assert response.status_code in {302, 403}
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_a_published_events_inlines_are_read_only_for_an_editor(editor_client):
    event = EventFactory(published=True)
    FigureFactory(event=event)
    ParticipationFactory(event=event)

    response = editor_client.get(admin_url(Event, "change", event.pk))

    inlines = response.context["inline_admin_formsets"]
    assert {inline.opts.model for inline in inlines} >= {Figure, Participation, Citation, Allegation}
    for inline in inlines:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)


def test_a_published_briefs_inlines_are_read_only_for_an_editor(editor_client):
    brief = BriefFactory(published=True)

    response = editor_client.get(admin_url(Brief, "change", brief.pk))

    inlines = response.context["inline_admin_formsets"]
    assert {inline.opts.model for inline in inlines} == {Takeaway, Recommendation}
    for inline in inlines:
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)


def test_editor_cannot_change_a_published_events_figure_through_the_event_form(client, editor, reviewer):
    event = EventFactory(published=True)
    figure = FigureFactory(event=event, value=230)
    client.force_login(reviewer)
    url, data = admin_form(client, Event, event)
    assert data["figures-0-id"] == [str(figure.pk)]
    data["figures-0-value"] = "999"
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403
    figure.refresh_from_db()
    assert figure.value == 230


def test_editor_cannot_add_a_participation_to_a_published_event_through_the_event_form(client, editor, reviewer):
    event = EventFactory(published=True)
    actor = ActorFactory()
    client.force_login(reviewer)
    url, data = admin_form(client, Event, event)
    data.update({"participations-0-actor": str(actor.pk), "participations-0-role": "party"})
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403
    assert not Participation.objects.filter(event=event).exists()


def test_editor_cannot_change_a_published_briefs_takeaways_through_the_brief_form(client, editor, reviewer):
    brief = BriefFactory(published=True)
    takeaway = TakeawayFactory(brief=brief, text="As published.")
    client.force_login(reviewer)
    url, data = admin_form(client, Brief, brief)
    assert data["takeaways-0-id"] == [str(takeaway.pk)]
    data["takeaways-0-text"] = "Rewritten."
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403
    takeaway.refresh_from_db()
    assert takeaway.text == "As published."


def test_reviewer_edits_a_published_events_figure_through_the_event_form(reviewer_client):
    event = EventFactory(published=True)
    figure = FigureFactory(event=event, value=230)
    url, data = admin_form(reviewer_client, Event, event)
    data["figures-0-value"] = "231"

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    figure.refresh_from_db()
    assert figure.value == 231
    assert status_of(event) == PublicationStatus.PUBLISHED


# Child rows with their own admin: how to make one under a parent, and the form fields to add one.
def event_parent(published):
    return EventFactory(published=True) if published else EventFactory()


def brief_parent(published):
    return BriefFactory(published=True) if published else BriefFactory()


def figure_parent(published):
    return FigureFactory(event=event_parent(published))


CHILDREN = [
    pytest.param(
        Figure,
        event_parent,
        lambda event: FigureFactory(event=event),
        lambda event: {
            "event": event.pk,
            "measure": MeasureFactory().pk,
            "value": "12",
            "claimant_actor": ActorFactory().pk,
            "source": SourceFactory().pk,
        },
        id="figure",
    ),
    pytest.param(
        Participation,
        event_parent,
        lambda event: ParticipationFactory(event=event),
        lambda event: {"event": event.pk, "actor": ActorFactory().pk, "role": "mediator"},
        id="participation",
    ),
    pytest.param(
        Citation,
        event_parent,
        lambda event: CitationFactory(event=event),
        lambda event: {"event": event.pk, "source": SourceFactory().pk},
        id="citation",
    ),
    pytest.param(
        FigureBreakdown,
        figure_parent,
        lambda figure: FigureBreakdownFactory(figure=figure),
        lambda figure: {"figure": figure.pk, "dimension": "sex", "category": "female", "value": "3"},
        id="breakdown",
    ),
    pytest.param(
        Allegation,
        event_parent,
        lambda event: AllegationFactory(event=event),
        lambda event: {"event": event.pk, "provision": ProvisionFactory().pk, "source": SourceFactory().pk},
        id="allegation",
    ),
    pytest.param(
        Takeaway,
        brief_parent,
        lambda brief: TakeawayFactory(brief=brief, text="As published."),
        lambda brief: {"brief": brief.pk, "position": "7", "text_en": "Added later."},
        id="takeaway",
    ),
    pytest.param(
        Recommendation,
        brief_parent,
        lambda brief: RecommendationFactory(brief=brief, text="As published."),
        lambda brief: {"brief": brief.pk, "position": "7", "audience": "donors", "text_en": "Added later."},
        id="recommendation",
    ),
]


@pytest.mark.parametrize(("model", "make_parent", "make_child", "fields"), CHILDREN)
def test_editor_cannot_change_a_row_of_a_published_parent_in_its_admin(
    editor_client, model, make_parent, make_child, fields
):
    child = make_child(make_parent(published=True))
    before = model.objects.values().get(pk=child.pk)
    url = admin_url(model, "change", child.pk)

    page = editor_client.get(url)
    response = editor_client.post(url, {key: value for key, value in fields(make_parent(published=False)).items()})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    assert model.objects.values().get(pk=child.pk) == before


@pytest.mark.parametrize(("model", "make_parent", "make_child", "fields"), CHILDREN)
def test_editor_cannot_add_a_row_to_a_published_parent_in_its_admin(
    editor_client, model, make_parent, make_child, fields
):
    url, data = admin_form(editor_client, model)
    data.update(fields(make_parent(published=True)))

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assertContains(response, ERROR_NOT_REVIEWER)
    assert not model.objects.exists()


@pytest.mark.parametrize(("model", "make_parent", "make_child", "fields"), CHILDREN)
def test_editor_adds_a_row_to_a_draft_parent_in_its_admin(editor_client, model, make_parent, make_child, fields):
    url, data = admin_form(editor_client, model)
    data.update(fields(make_parent(published=False)))

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert model.objects.count() == 1


def test_editor_cannot_move_a_draft_events_figure_to_a_published_event(editor_client):
    figure = FigureFactory()
    published = EventFactory(published=True)
    url, data = admin_form(editor_client, Figure, figure)
    data["event"] = str(published.pk)

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assertContains(response, ERROR_NOT_REVIEWER)
    figure.refresh_from_db()
    assert figure.event_id != published.pk


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_cannot_delete_a_published_record(editor_client, model, factory):
    record = factory(published=True)
    url = admin_url(model, "delete", record.pk)

    page = editor_client.get(url)
    response = editor_client.post(url, {"post": "yes"})

    assert page.status_code == 403
    assert response.status_code == 403
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_editor_cannot_bulk_delete_a_published_record(editor_client, model, factory):
    draft, published = factory(), factory(published=True)

    response = run_action(editor_client, model, "delete_selected", [draft, published], post="yes")

    assert response.status_code == 403
    assert model.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2


@pytest.mark.parametrize(("model", "make_parent", "make_child", "fields"), CHILDREN)
def test_editor_cannot_delete_a_row_of_a_published_parent(editor_client, model, make_parent, make_child, fields):
    child = make_child(make_parent(published=True))

    single = editor_client.post(admin_url(model, "delete", child.pk), {"post": "yes"})
    bulk = run_action(editor_client, model, "delete_selected", [child], post="yes")

    assert single.status_code == 403
    assert bulk.status_code == 403
    assert model.objects.filter(pk=child.pk).exists()


# --- admin: a reviewer publishes and retracts ----------------------------------------------------


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_reviewer_publishes_through_the_change_form(reviewer_client, model, factory):
    record = factory(status=PublicationStatus.REVIEW)
    url, data = admin_form(reviewer_client, model, record)
    data["status"] = PublicationStatus.PUBLISHED

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == PublicationStatus.PUBLISHED
    assert record.first_published_at is not None


def test_reviewer_cannot_retract_through_the_change_form_without_a_note(reviewer_client):
    event = EventFactory(published=True)
    url, data = admin_form(reviewer_client, Event, event)
    data.update(status=PublicationStatus.RETRACTED, retraction_note="")

    response = reviewer_client.post(url, data)

    assert response.status_code == 200
    assert "retraction_note" in response.context["adminform"].form.errors
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_reviewer_retracts_through_the_change_form_with_a_note(reviewer_client):
    event = EventFactory(published=True)
    url, data = admin_form(reviewer_client, Event, event)
    data.update(status=PublicationStatus.RETRACTED, retraction_note="Duplicate of another event.")

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == PublicationStatus.RETRACTED
    assert event.retracted_at is not None
    assert event.retraction_note == "Duplicate of another event."


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_reviewer_is_offered_publish_and_retract_actions(reviewer_client, model, factory):
    choices = action_choices(reviewer_client, model)

    assert {"submit_for_review", "publish_selected", "retract_selected"} <= choices


@pytest.mark.parametrize(("model", "factory"), PUBLISHABLE)
def test_reviewer_publishes_with_the_bulk_action(reviewer_client, model, factory):
    first, second = factory(status=PublicationStatus.REVIEW), factory(status=PublicationStatus.REVIEW)
    confirmation = run_action(reviewer_client, model, "publish_selected", [first, second])
    assert status_of(first) == PublicationStatus.REVIEW

    response = reviewer_client.post(admin_url(model, "changelist"), form_values(confirmation, "publish-confirmation"))

    assert response.status_code == 302
    assert "2 records published." in messages_of(response)
    for record in (first, second):
        record.refresh_from_db()
        assert record.status == PublicationStatus.PUBLISHED
        assert record.first_published_at is not None


def test_retract_action_asks_for_a_note_first(reviewer_client):
    event = EventFactory(published=True)

    response = run_action(reviewer_client, Event, "retract_selected", [event])

    assert response.status_code == 200
    assertTemplateUsed(response, "admin/retract_confirmation.html")
    assertContains(response, event.title)
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_retract_action_retracts_with_the_note_given_on_its_page(reviewer_client):
    events = [EventFactory(published=True), EventFactory(published=True)]
    page = run_action(reviewer_client, Event, "retract_selected", events)
    data = form_values(page)
    data["note"] = "Both were duplicates."

    response = reviewer_client.post(admin_url(Event, "changelist"), data)

    assert response.status_code == 302
    assert "2 records retracted." in messages_of(response)
    for event in events:
        event.refresh_from_db()
        assert event.status == PublicationStatus.RETRACTED
        assert event.retraction_note == "Both were duplicates."
        assert event.retracted_at is not None


def test_retract_action_without_a_note_asks_again(reviewer_client):
    event = EventFactory(published=True)
    page = run_action(reviewer_client, Event, "retract_selected", [event])
    data = form_values(page)
    data["note"] = ""

    response = reviewer_client.post(admin_url(Event, "changelist"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_reviewer_deletes_a_published_record(reviewer_client):
    event = EventFactory(published=True)

    response = reviewer_client.post(admin_url(Event, "delete", event.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()
