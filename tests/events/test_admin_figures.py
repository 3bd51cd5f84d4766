"""Fast figure entry on the event form, the warnings before an event goes public, and the event list's bulk
actions (add a theme, export the selection), through the admin as editors and reviewers use it."""

import csv
import datetime
import io

from django.urls import reverse

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.core.models import PublicationStatus, Theme
from knowledgebase.events.models import Event, Figure
from knowledgebase.events.review_warnings import (
    DISPUTE,
    NO_EXCERPT,
    NO_SOURCE,
    SOURCE_AFTER_AS_OF,
    SOURCE_BEFORE_AS_OF,
    event_warnings,
    stored_event_warnings,
)
from tests.admin_forms import action_choices, admin_form, admin_url, messages_of, run_action, status_of
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    CitationFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    MeasureFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    ThemeFactory,
)


def shows(response, text):
    """Whether the page shows ``text`` (a failure names the page's form errors, not its whole HTML)."""
    return text in response.content.decode()


def errors_of(response):
    context = response.context or {}
    return [list(context.get("errors") or [])] + [
        (inline.formset.prefix, inline.formset.errors, inline.formset.non_form_errors())
        for inline in context.get("inline_admin_formsets") or []
    ]


def row(data, index, **fields):
    """Fill figure row ``index`` of the posted event form."""
    for name, value in fields.items():
        data[f"figures-{index}-{name}"] = [str(value)]


def new_event_form(client, **fields):
    """The add form's values, with the event's own fields filled in as the fast-entry test types them."""
    url, data = admin_form(client, Event)
    event_type = fields.pop("event_type", None) or EventTypeFactory()
    data.update(
        {
            "title_en": ["Exchange entered in one go"],
            "slug": ["exchange-entered-in-one-go"],
            "event_type": [str(event_type.pk)],
            "start_date": ["2024-01-03"],
            "summary_en": ["Both sides returned prisoners."],
            **{name: [str(value)] for name, value in fields.items()},
        }
    )
    return url, data


# --- fast entry: the seed's exchange in one submit ---------------------------------------------------


def test_the_add_form_offers_six_empty_figure_rows_and_a_saved_event_two_more(editor_client):
    event = EventFactory()
    FigureFactory(event=event)

    _url, new = admin_form(editor_client, Event)
    _url, saved = admin_form(editor_client, Event, event)

    assert new["figures-TOTAL_FORMS"] == ["6"]
    assert saved["figures-TOTAL_FORMS"] == ["3"]


def test_a_figure_row_shows_its_claimant_by_name_and_its_details_behind_more(editor_client):
    event = EventFactory()
    FigureFactory(event=event, claimant_actor=ActorFactory(name="Dmytro Lubinets"), excerpt="230 returned")

    response = editor_client.get(admin_url(Event, "change", event.pk))

    assert shows(response, 'name="figures-0-claimant" value="Dmytro Lubinets"'), errors_of(response)
    assert shows(response, '<details class="figure-cell figure-more">'), errors_of(response)
    assert shows(response, "230 returned</textarea>"), errors_of(response)
    assert shows(response, "Breakdowns and history of this figure"), errors_of(response)
    assert shows(response, "js/admin-figures.js"), errors_of(response)


def test_a_row_without_a_source_takes_none_when_the_event_cites_several(editor_client):
    measure = MeasureFactory()
    ActorFactory(name="Petro Yatsenko")
    url, data = new_event_form(
        editor_client, **{"citations-0-source": SourceFactory().pk, "citations-1-source": SourceFactory().pk}
    )
    data["citations-TOTAL_FORMS"] = ["2"]
    row(data, 0, measure=measure.pk, value=5, claimant="Yatsenko")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert shows(response, "Choose the source: the event cites several sources."), errors_of(response)
    assert not Event.objects.filter(slug="exchange-entered-in-one-go").exists()


def test_a_row_without_a_source_on_an_event_that_cites_none_asks_for_one(editor_client):
    measure, actor = MeasureFactory(), ActorFactory(name="Petro Yatsenko")
    url, data = new_event_form(editor_client)
    row(data, 0, measure=measure.pk, value=5, claimant=actor.name)

    response = editor_client.post(url, data)

    assert shows(response, "Choose the source: the event cites no source to take it from."), errors_of(response)


def test_a_row_with_its_own_source_keeps_it_and_its_own_as_of_date(editor_client):
    measure, actor, cited, own = MeasureFactory(), ActorFactory(), SourceFactory(), SourceFactory()
    url, data = new_event_form(editor_client, **{"citations-0-source": cited.pk})
    row(data, 0, measure=measure.pk, value=5, claimant=actor.name, source=own.pk, as_of_date="2024-01-02")

    assert editor_client.post(url, data).status_code == 302

    figure = Figure.objects.get(event__slug="exchange-entered-in-one-go")
    assert (figure.source, figure.as_of_date) == (own, datetime.date(2024, 1, 2))


def test_the_as_of_date_is_left_empty_when_the_event_is_not_dated_to_the_day(editor_client):
    measure, actor, cited = MeasureFactory(), ActorFactory(), SourceFactory()
    url, data = new_event_form(editor_client, date_precision="month", **{"citations-0-source": cited.pk})
    row(data, 0, measure=measure.pk, value=5, claimant=actor.name)

    assert editor_client.post(url, data).status_code == 302

    assert Figure.objects.get(event__slug="exchange-entered-in-one-go").as_of_date is None


# --- who claims it: typed by name, alias, acronym, in any script --------------------------------------


def test_a_chosen_suggestion_names_its_record_even_when_the_name_is_shared(editor_client):
    twins = [OrganizationFactory(name="Ministry of Defence"), OrganizationFactory(name="Ministry of Defence")]
    twins += [ActorFactory(name="Ministry of Defence")]
    measure, cited = MeasureFactory(), SourceFactory()
    url, data = new_event_form(editor_client, **{"citations-0-source": cited.pk})
    row(data, 0, measure=measure.pk, value=5, claimant="Ministry of Defence", claimant_organization=twins[1].pk)
    row(data, 1, measure=measure.pk, value=6, claimant="Ministry of Defence")

    response = editor_client.post(url, data)

    assert shows(response, "“Ministry of Defence” could be"), errors_of(
        response
    )  # typed only: three records have this name
    row(data, 1, claimant="Ministry of Defence", claimant_actor=twins[2].pk)
    assert editor_client.post(url, data).status_code == 302
    figures = Figure.objects.filter(event__slug="exchange-entered-in-one-go").order_by("value")
    assert [figure.claimant for figure in figures] == [twins[1], twins[2]]


def test_a_chosen_record_the_typed_text_no_longer_names_gives_way_to_the_text(editor_client):
    chosen, typed = ActorFactory(name="Denys Shmyhal"), ActorFactory(name="Dmytro Kuleba")
    url, data = new_event_form(editor_client, **{"citations-0-source": SourceFactory().pk})
    row(data, 0, measure=MeasureFactory().pk, value=5, claimant="Kuleba", claimant_actor=chosen.pk)

    assert editor_client.post(url, data).status_code == 302

    assert Figure.objects.get(event__slug="exchange-entered-in-one-go").claimant == typed


def test_an_unchanged_row_keeps_its_claimant_and_a_changed_one_takes_the_new_name(editor_client):
    event = EventFactory()
    figure = FigureFactory(event=event, claimant_actor=ActorFactory(name="Denys Shmyhal"))
    kuleba = ActorFactory(name="Dmytro Kuleba")
    url, data = admin_form(editor_client, Event, event)
    data["figures-0-value"] = ["101"]

    assert editor_client.post(url, data).status_code == 302
    assert Figure.objects.get(pk=figure.pk).claimant_actor.name == "Denys Shmyhal"

    row(data, 0, claimant="Kuleba", claimant_actor="")
    assert editor_client.post(url, data).status_code == 302
    assert Figure.objects.get(pk=figure.pk).claimant == kuleba


def test_an_organisation_claims_a_figure_typed_by_its_acronym(editor_client):
    wilson = OrganizationFactory(name="Wilson Center", acronym="WC")
    url, data = new_event_form(editor_client, **{"citations-0-source": SourceFactory().pk})
    row(data, 0, measure=MeasureFactory().pk, value=5, claimant="wc")

    assert editor_client.post(url, data).status_code == 302

    figure = Figure.objects.get(event__slug="exchange-entered-in-one-go")
    assert (figure.claimant_organization, figure.claimant_actor) == (wilson, None)


def test_hostile_row_values_are_form_errors_never_a_server_error(editor_client):
    url, data = new_event_form(editor_client, **{"citations-0-source": "not a number"})
    row(data, 0, measure="999999", value="lots", qualifier="roughly", claimant="x" * 400)
    row(data, 0, claimant_actor="'; drop table", claimant_organization="-1", source="0", as_of_date="3 Jan")
    row(data, 1, value="-5", claimant="\x00", rank="best")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert not Event.objects.filter(slug="exchange-entered-in-one-go").exists()


# --- the autocomplete finds aliases, in any case and script ------------------------------------------


def autocomplete(client, term, field="claimant_actor"):
    params = {"term": term, "app_label": "events", "model_name": "figure", "field_name": field}
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_claimant_autocomplete_finds_actors_by_alias_in_any_case_and_script(editor_client):
    medvedchuk = ActorFactory(name="Viktor Medvedchuk", name_uk="Віктор Медведчук")
    ActorAliasFactory(actor=medvedchuk, name="Medvechuk", kind="misspelling")
    lubinets = ActorFactory(name="Dmytro Lubinets")
    ActorAliasFactory(actor=lubinets, name="Дмитро Лубінець", language="uk")
    ActorFactory(name="Someone else")

    assert autocomplete(editor_client, "medvechuk") == ["Viktor Medvedchuk"]
    assert autocomplete(editor_client, "MEDVECHUK") == ["Viktor Medvedchuk"]
    assert autocomplete(editor_client, "медведчук") == ["Viktor Medvedchuk"]
    assert autocomplete(editor_client, "лубінець") == ["Dmytro Lubinets"]
    assert autocomplete(editor_client, "ЛУБІНЕЦЬ") == ["Dmytro Lubinets"]
    assert autocomplete(editor_client, "Lubinets Dmytro") == ["Dmytro Lubinets"]  # words in any order, as before


def test_the_claimant_autocomplete_finds_organisations_by_acronym_and_ukrainian_name(editor_client):
    OrganizationFactory(name="Institute for the Study of War", name_uk="Інститут вивчення війни", acronym="ISW")
    OrganizationFactory(name="Refugees International")

    field = "claimant_organization"
    assert autocomplete(editor_client, "isw", field) == ["Institute for the Study of War (ISW)"]
    assert autocomplete(editor_client, "інститут", field) == ["Institute for the Study of War (ISW)"]
    assert autocomplete(editor_client, "ІНСТИТУТ ВИВЧЕННЯ", field) == ["Institute for the Study of War (ISW)"]


def test_the_actor_list_search_finds_cyrillic_names_in_any_case(editor_client):
    ActorFactory(name="Dmytro Lubinets", name_uk="Дмитро Лубінець")

    response = editor_client.get(admin_url(Actor, "changelist"), {"q": "лубінець"})

    assert [actor.name for actor in response.context["cl"].result_list] == ["Dmytro Lubinets"]
    assert editor_client.get(admin_url(Organization, "changelist"), {"q": "\x00%_"}).status_code == 200


# --- query budgets ---------------------------------------------------------------------------------


def event_with_rows(rows):
    event = EventFactory()
    measure = MeasureFactory()
    for number in range(rows):
        FigureFactory(event=event, measure=measure, value=100 + number)
        ParticipationFactory(event=event, actor=ActorFactory(), role="party")
        CitationFactory(event=event)
    return event


def test_the_event_form_costs_the_same_queries_whatever_its_rows(reviewer_client, django_assert_max_num_queries):
    reviewer_client.get(admin_url(Event, "change", EventFactory().pk))  # per-process caches (content types)
    counts = []
    for rows in (1, 12):
        event = event_with_rows(rows)
        with django_assert_max_num_queries(23) as queries:
            response = reviewer_client.get(admin_url(Event, "change", event.pk))
        counts.append(len(queries))
        assert response.status_code == 200
        assert response.content.decode().count('class="figure-claimant"') == rows + 2 + 1  # 2 empty, the template

    assert counts[0] == counts[1]


def test_the_add_form_costs_a_fixed_number_of_queries(editor_client, django_assert_max_num_queries):
    MeasureFactory.create_batch(20)

    with django_assert_max_num_queries(11):
        response = editor_client.get(admin_url(Event, "add"))

    assert response.status_code == 200


# --- warnings before publishing ----------------------------------------------------------------------


def contradicting_event(**fields):
    """A draft citing its source, whose two claims of one measure contradict (230 and 173), with excerpts."""
    event = EventFactory(**fields)
    source = CitationFactory(event=event).source
    measure = MeasureFactory(name="People returned to Ukraine")
    for value, name in [(230, "Dmytro Lubinets"), (173, "Unnamed Russian sources")]:
        FigureFactory(
            event=event,
            measure=measure,
            value=value,
            source=source,
            excerpt=f"{value} returned",
            as_of_date=source.published_date,
            claimant_actor=ActorFactory(name=name),
        )
    return event


def test_the_warnings_reuse_the_domains_dispute_and_name_the_range_and_each_claim():
    measure = MeasureFactory.build(pk=1, name="People returned to Ukraine")
    claims = [
        FigureFactory.build(measure=measure, value=230, claimant_actor=ActorFactory.build(name="Lubinets")),
        FigureFactory.build(
            measure=measure, value=200, qualifier="more-than", claimant_actor=ActorFactory.build(name="Zelensky")
        ),
        FigureFactory.build(measure=measure, value=173, claimant_actor=ActorFactory.build(name="Russian sources")),
        FigureFactory.build(
            measure=measure, value=230, qualifier="up-to", claimant_actor=ActorFactory.build(name="Russian sources")
        ),
    ]
    for claim in claims:
        claim.source_id = None

    [dispute, excerpts] = event_warnings(figures=claims, cites_a_source=True)

    assert dispute.code == DISPUTE
    assert "from 173 to 230" in dispute.message
    assert dispute.items == (
        "230, claimed by Lubinets",
        "more than 200, claimed by Zelensky",
        "173, claimed by Russian sources",
        "up to 230, claimed by Russian sources",
    )
    assert excerpts.code == NO_EXCERPT
    claims[0].rank, claims[0].rank_reason = "preferred", "A later clarification."
    assert [w.code for w in event_warnings(figures=claims, cites_a_source=False)] == [NO_EXCERPT, NO_SOURCE]
    assert [w.code for w in event_warnings(figures=claims[2:3], cites_a_source=True)] == [NO_EXCERPT]


def test_a_source_dated_against_its_figure_is_a_warning_either_way(db):
    event = EventFactory()
    CitationFactory(event=event)
    early = SourceFactory(published_date=datetime.date(2024, 1, 1))
    late = SourceFactory(published_date=datetime.date(2024, 1, 10))
    for source in (early, late):
        FigureFactory(event=event, source=source, as_of_date=datetime.date(2024, 1, 3), excerpt="quoted")
    FigureFactory(
        event=event, source=SourceFactory(published_date=None), as_of_date=datetime.date(2024, 1, 3), excerpt="q"
    )

    warnings = {warning.code: warning for warning in stored_event_warnings(event)}

    assert set(warnings) == {SOURCE_BEFORE_AS_OF, SOURCE_AFTER_AS_OF}
    assert "as of 3 January 2024" in warnings[SOURCE_BEFORE_AS_OF].items[0]
    assert "published on 1 January 2024" in warnings[SOURCE_BEFORE_AS_OF].items[0]
    assert "published on 10 January 2024" in warnings[SOURCE_AFTER_AS_OF].items[0]


def test_saving_contradicting_figures_warns_after_the_save_and_on_the_form(editor_client):
    event = contradicting_event()
    url, data = admin_form(editor_client, Event, event)

    saved = editor_client.post(url, {**data, "_continue": ["1"]})
    response = editor_client.get(saved["Location"])

    assert status_of(event) == PublicationStatus.DRAFT  # a warning, not a block
    [message] = [m for m in messages_of(saved) if "contradict" in m]
    assert "People returned to Ukraine: the claims contradict each other, from 173 to 230" in message
    assert shows(response, "Before publishing"), errors_of(response)
    assert shows(response, "230, claimed by Dmytro Lubinets"), errors_of(response)
    assert shows(response, "173, claimed by Unnamed Russian sources"), errors_of(response)
    assert not shows(response, 'name="confirm_warnings"')  # an editor publishes nothing


def test_a_new_event_without_a_source_or_excerpts_is_saved_and_warned_about(editor_client):
    url, data = new_event_form(editor_client)

    response = editor_client.post(url, data)

    assert Event.objects.filter(slug="exchange-entered-in-one-go").exists()
    assert "The event cites no source: add the source that reports it under Citations." in messages_of(response)


def test_a_reviewer_publishing_an_unresolved_dispute_is_asked_to_choose_or_confirm(reviewer_client):
    event = contradicting_event()
    url, data = admin_form(reviewer_client, Event, event)
    data["status"] = ["published"]

    response = reviewer_client.post(url, data)

    assert response.status_code == 200
    assert status_of(event) == PublicationStatus.DRAFT
    assert shows(response, "The claims of a measure contradict each other and none is the best estimate")
    assert shows(response, "Tick this to publish the range and its claims as they are")
    assert shows(response, "from 173 to 230"), errors_of(response)

    data["confirm_warnings"] = ["on"]
    assert reviewer_client.post(url, data).status_code == 302
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_other_warnings_stop_no_publication_and_are_shown_after_it(reviewer_client):
    event = EventFactory()  # no source, and a figure without an excerpt
    FigureFactory(event=event)
    url, data = admin_form(reviewer_client, Event, event)
    data["status"] = ["published"]

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assert status_of(event) == PublicationStatus.PUBLISHED
    assert "The event cites no source: add the source that reports it under Citations." in messages_of(response)


def test_a_reviewer_who_chooses_the_best_estimate_publishes_without_confirming(reviewer_client):
    event = contradicting_event()
    url, data = admin_form(reviewer_client, Event, event)
    lubinets = next(i for i in range(2) if data[f"figures-{i}-value"] == ["230"])
    row(data, lubinets, rank="preferred", rank_reason_en="A later clarification.")
    data["status"] = ["published"]

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_a_published_events_known_warnings_need_no_new_confirmation_but_a_new_dispute_does(reviewer_client):
    event = contradicting_event(published=True)
    url, data = admin_form(reviewer_client, Event, event)
    data["title_en"] = ["Renamed"]

    assert reviewer_client.post(url, data).status_code == 302  # the dispute was public already

    other = MeasureFactory()
    url, data = admin_form(reviewer_client, Event, event)
    row(data, 2, measure=other.pk, value=10, claimant="Dmytro Lubinets", excerpt="ten")
    row(data, 3, measure=other.pk, value=20, claimant="Dmytro Lubinets", excerpt="twenty")
    response = reviewer_client.post(url, data)

    assert response.status_code == 200
    assert not Figure.objects.filter(event=event, measure=other).exists()
    data["confirm_warnings"] = ["on"]
    assert reviewer_client.post(url, data).status_code == 302
    assert Figure.objects.filter(event=event, measure=other).count() == 2


def test_an_editor_cannot_publish_by_confirming_the_warnings(editor_client):
    event = contradicting_event()
    url, data = admin_form(editor_client, Event, event)
    data.update(status=["published"], confirm_warnings=["on"])

    editor_client.post(url, data)

    assert status_of(event) == PublicationStatus.DRAFT


def test_an_editor_sees_a_published_events_figures_read_only_with_their_claimants(editor_client):
    event = contradicting_event(published=True)

    response = editor_client.get(admin_url(Event, "change", event.pk))

    page = " ".join(response.content.decode().split())
    assert (
        '<div class="figure-cell field-claimant"> <span class="visually-hidden">Claimed by</span><p>Dmytro Lubinets</p>'
        in page
    )
    assert not shows(response, 'name="figures-0-claimant"')
    assert not shows(response, 'name="_save"')


# --- bulk actions --------------------------------------------------------------------------------


def themes_of(event):
    return set(Theme.objects.filter(events=event).values_list("slug", flat=True))


def test_add_theme_asks_which_theme_first(editor_client):
    event = EventFactory()
    ThemeFactory(name="Prisoners of war", slug="pows")

    response = run_action(editor_client, Event, "add_theme", [event])

    assert response.status_code == 200
    assert shows(response, "Theme to add"), errors_of(response)
    assert shows(response, "Prisoners of war"), errors_of(response)
    assert shows(response, f'name="_selected_action" value="{event.pk}"')
    assert themes_of(event) == set()


def test_an_editor_adds_a_theme_to_drafts_and_is_refused_on_a_published_event(editor_client):
    draft, published = EventFactory(), EventFactory(published=True)
    theme = ThemeFactory(name="Prisoners of war", slug="pows")

    response = run_action(editor_client, Event, "add_theme", [draft, published], apply="1", theme=theme.pk)

    assert themes_of(draft) == {"pows"}
    assert themes_of(published) == set()
    assert status_of(published) == PublicationStatus.PUBLISHED
    messages = messages_of(response)
    assert "Theme “Prisoners of war” added to 1 event." in messages
    assert any(published.title in message and "Only a reviewer" in message for message in messages)


def test_a_reviewer_adds_a_theme_to_a_published_event_and_its_history_says_who(reviewer_client, reviewer):
    event = EventFactory(published=True)
    theme = ThemeFactory(name="Prisoners of war", slug="pows")

    run_action(reviewer_client, Event, "add_theme", [event], apply="1", theme=theme.pk)

    assert themes_of(event) == {"pows"}
    assert event.history.latest().history_user == reviewer
    assert status_of(event) == PublicationStatus.PUBLISHED


def test_add_theme_with_a_forged_theme_shows_the_form_again(editor_client):
    event = EventFactory()

    response = run_action(editor_client, Event, "add_theme", [event], apply="1", theme="not-a-theme")

    assert response.status_code == 200
    assert shows(response, "Select a valid choice"), errors_of(response)


def test_export_selected_gives_only_the_selected_events_drafts_included(editor_client):
    chosen = [EventFactory(title="First chosen"), EventFactory(title="=Second chosen", published=True)]
    EventFactory(title="Not chosen")

    response = run_action(editor_client, Event, "export_selected", chosen)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="Event-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["title"] for r in rows) == ["'=Second chosen", "First chosen"]  # formula-like text neutralised
    assert {r["public_id"] for r in rows} == {event.public_id for event in chosen}


def test_the_event_list_offers_the_new_actions_beside_the_old_ones(editor_client, reviewer_client):
    assert {"submit_for_review", "add_theme", "export_selected"} <= action_choices(editor_client, Event)
    assert {"publish_selected", "pin_selected", "add_theme", "export_selected"} <= action_choices(
        reviewer_client, Event
    )


def test_submit_for_review_still_works_beside_the_new_actions(editor_client):
    event = EventFactory()

    run_action(editor_client, Event, "submit_for_review", [event])

    assert status_of(event) == PublicationStatus.REVIEW
