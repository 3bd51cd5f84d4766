"""An event's theme keys on its own row (``Event.theme_keys``) follow the themes relation whichever way it
changes (the admin form, either side of the relation, a deleted theme, a spreadsheet import; the demo loader,
run twice, in ``test_country_codes``), and the theme filter that reads them selects the same events as the
relation."""

import pytest

from knowledgebase.core.models import Theme
from knowledgebase.core.services import record_delete
from knowledgebase.events.models import Event
from tests.admin_forms import admin_form
from tests.factories import EventFactory, SingleSaveEventFactory, ThemeFactory
from tests.spreadsheets.test_resources import EVENT_HEADER, EVENTS, csv_upload, import_rows


def stored_keys(event):
    return Event.objects.values_list("theme_keys", flat=True).get(pk=event.pk)


def keys_of(*themes):
    return sorted(str(theme.pk) for theme in themes)


@pytest.fixture
def themes(db):
    return [ThemeFactory(slug=slug, name=slug.capitalize()) for slug in ("diplomacy", "detention", "displacement")]


def test_adding_removing_and_clearing_an_events_themes_updates_its_keys(themes):
    diplomacy, detention, displacement = themes
    event = EventFactory()

    event.themes.add(diplomacy, detention)
    assert stored_keys(event) == keys_of(diplomacy, detention)
    event.themes.remove(diplomacy)
    assert stored_keys(event) == keys_of(detention)
    event.themes.set([displacement])
    assert stored_keys(event) == keys_of(displacement)
    event.themes.clear()
    assert stored_keys(event) == []


def test_a_themes_side_of_the_relation_updates_the_keys_of_every_event_it_touches(themes):
    diplomacy, detention, _displacement = themes
    first, second = EventFactory(), EventFactory()
    first.themes.add(detention)

    diplomacy.events.add(first, second)
    assert (stored_keys(first), stored_keys(second)) == (keys_of(diplomacy, detention), keys_of(diplomacy))
    diplomacy.events.remove(first)
    assert stored_keys(first) == keys_of(detention)
    diplomacy.events.clear()
    assert stored_keys(second) == []


def test_a_deleted_theme_leaves_no_key_behind(themes, reviewer):
    diplomacy, detention, _displacement = themes
    event = EventFactory()
    event.themes.add(diplomacy, detention)

    record_delete(obj=Theme.objects.get(pk=diplomacy.pk), by=reviewer)

    assert stored_keys(event) == keys_of(detention)


def test_the_admin_form_stores_the_keys_of_the_themes_it_sets(editor_client, themes):
    diplomacy, _detention, displacement = themes
    event = EventFactory()
    url, data = admin_form(editor_client, Event, event)
    data["themes"] = [str(diplomacy.pk), str(displacement.pk)]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert stored_keys(event) == keys_of(diplomacy, displacement)


def test_a_spreadsheet_import_stores_the_keys_of_the_themes_its_rows_name(editor_client, shared_demo_content):
    row = (
        "themes-import-1,An event,an-imported-event,prisoner-exchange,2024-01-03,,day,,UA,,,,,country,"
        "What happened.,,diplomacy;pows-and-detainees,,,"
    )
    import_rows(editor_client, EVENTS, csv_upload(EVENT_HEADER, [row]))

    expected = Theme.objects.filter(slug__in=["diplomacy", "pows-and-detainees"])
    assert stored_keys(Event.objects.get(public_id="themes-import-1")) == keys_of(*expected)


@pytest.mark.parametrize(
    ("query", "slugs"),
    [("theme=diplomacy", ["diplomacy"]), ("theme=diplomacy&theme=detention", ["diplomacy", "detention"])],
)
def test_a_theme_filter_selects_what_the_relation_selects(client, themes, query, slugs):
    diplomacy, detention, displacement = themes
    for title, chosen in [
        ("Talks", [diplomacy]),
        ("Camp", [detention]),
        ("Both", [diplomacy, detention]),
        ("Flight", [displacement]),
    ]:
        SingleSaveEventFactory(published=True, title=title, themes=[theme.slug for theme in chosen])

    response = client.get(f"/events/?{query}")

    listed = {event.pk for event in response.context["page_obj"].object_list}
    assert listed == set(Event.objects.published().filter(themes__slug__in=slugs).values_list("pk", flat=True))
    assert listed
