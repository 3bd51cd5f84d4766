"""The downloads' cells of several values kept on each event's row (``Event.export_*``: country codes, theme
slugs, sources, actors and organisations with their roles) follow what they stand for, whichever way it
changes: the relations (factories, either side of a many-to-many, the admin's form, a spreadsheet import,
the demo loader) and the names they show (a renamed actor, organisation, source or theme, through the
services and the admin). The download then shows the new text, never the old; and the migration's fill
(SQL on PostgreSQL) writes what the services write."""

import csv
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from knowledgebase.actors.models import Actor
from knowledgebase.core.models import Country, Theme
from knowledgebase.core.services import record_delete, record_save
from knowledgebase.events.models import EXPORT_FIELDS, Citation, Event, Participation
from knowledgebase.events.services import export_cells
from knowledgebase.sources.models import Source
from tests.admin_forms import admin_form
from tests.factories import (
    ActorFactory,
    CitationFactory,
    EventFactory,
    OrganizationFactory,
    ParticipationFactory,
    SourceFactory,
    ThemeFactory,
)
from tests.spreadsheets.test_resources import EVENT_HEADER, EVENTS, csv_upload, event_row, import_rows

fill_migration = importlib.import_module("knowledgebase.events.migrations.0021_event_export_cells")


def stored(event):
    """The cells as stored (read again, not the instance's copy)."""
    return Event.objects.values(*EXPORT_FIELDS).get(pk=event.pk)


def from_relations(event):
    """The cells as the relations give them, read here independently of ``events.services``."""

    def joined(values):
        return "; ".join(values)

    rows = Participation.objects.filter(event=event).order_by("pk")
    names = {
        kind: list(
            rows.filter(**{f"{field}__isnull": False}).values_list(f"{field}__name", f"{field}__name_uk", "role")
        )
        for kind, field in (("actors", "actor"), ("organizations", "organization"))
    }
    cells = {
        "export_countries": joined(
            Event.countries.through.objects.filter(event=event).order_by("pk").values_list("country_id", flat=True)
        ),
        "export_themes": joined(
            Event.themes.through.objects.filter(event=event).order_by("pk").values_list("theme__slug", flat=True)
        ),
        "export_sources": joined(
            Citation.objects.filter(event=event).order_by("pk").values_list("source__title", flat=True)
        ),
        **{f"export_{kind}": joined(f"{name} ({role})" for name, _uk, role in found) for kind, found in names.items()},
    }
    translated = {}
    for kind, found in names.items():
        ukrainian = joined(f"{uk or name} ({role})" for name, uk, role in found)
        if ukrainian != cells[f"export_{kind}"]:
            translated.setdefault("uk", {})[kind] = ukrainian
    cells["export_translated"] = translated
    return cells


def actor_of(event):
    return Participation.objects.get(event=event, actor__isnull=False).actor


def assert_follows(*events):
    for event in events:
        assert stored(event) == from_relations(event), event.public_id


@pytest.fixture
def event(db):
    """An event with two countries, two themes, an actor, an organisation and a source."""
    event = EventFactory()
    event.countries.add("UA")
    event.countries.add("RU")  # one at a time: the order they were recorded in is the cell's order
    event.themes.add(ThemeFactory(slug="diplomacy"))
    event.themes.add(ThemeFactory(slug="detention"))
    ParticipationFactory(event=event, actor=ActorFactory(name="Ukraine"), role="party")
    ParticipationFactory(event=event, actor=None, organization=OrganizationFactory(name="ICRC"), role="mediator")
    CitationFactory(event=event, source=SourceFactory(title="A report"))
    return event


# --- the cells follow the relations ------------------------------------------------------------------


def test_an_event_stores_its_cells_in_the_order_the_rows_were_recorded(event):
    assert stored(event) == {
        "export_countries": "UA; RU",
        "export_themes": "diplomacy; detention",
        "export_sources": "A report",
        "export_actors": "Ukraine (party)",
        "export_organizations": "ICRC (mediator)",
        "export_translated": {},
    }
    assert_follows(event)


def test_an_event_without_relations_stores_empty_cells(db):
    assert stored(EventFactory()) == {field: "" for field in EXPORT_FIELDS[:-1]} | {"export_translated": {}}


def test_adding_removing_and_clearing_countries_and_themes_updates_the_cells(event):
    event.countries.add("PL")
    assert stored(event)["export_countries"] == "UA; RU; PL"
    event.countries.remove("UA")
    event.themes.remove(Theme.objects.get(slug="diplomacy"))
    assert (stored(event)["export_countries"], stored(event)["export_themes"]) == ("RU; PL", "detention")
    event.countries.clear()
    event.themes.clear()
    assert (stored(event)["export_countries"], stored(event)["export_themes"]) == ("", "")


def test_the_other_side_of_a_relation_updates_the_cells_of_every_event_it_touches(event):
    other = EventFactory()
    Country.objects.get(code="PL").events.add(event, other)
    Theme.objects.get(slug="diplomacy").events.add(other)

    assert_follows(event, other)
    assert stored(other)["export_countries"] == "PL" and stored(other)["export_themes"] == "diplomacy"


def test_saving_and_deleting_participations_and_citations_updates_the_cells(event, editor):
    participation = Participation.objects.get(event=event, actor__isnull=False)
    participation.role = "mediator"
    record_save(obj=participation, by=editor)
    assert stored(event)["export_actors"] == "Ukraine (mediator)"

    record_delete(obj=Participation.objects.get(event=event, organization__isnull=False), by=editor)
    record_delete(obj=Citation.objects.get(event=event), by=editor)

    assert (stored(event)["export_organizations"], stored(event)["export_sources"]) == ("", "")
    assert_follows(event)


def test_a_participation_moved_to_another_event_updates_both(event, editor):
    other = EventFactory()
    participation = Participation.objects.get(event=event, actor__isnull=False)
    participation.event = other

    record_save(obj=participation, by=editor)

    assert (stored(event)["export_actors"], stored(other)["export_actors"]) == ("", "Ukraine (party)")


# --- a rename reaches every event that shows the name ------------------------------------------------------


def test_renaming_an_actor_an_organisation_a_source_or_a_theme_updates_every_event_showing_it(event, reviewer):
    second = EventFactory()
    ParticipationFactory(event=second, actor=actor_of(event), role="released")
    actor = actor_of(event)
    actor.name = "Ukraine (state)"
    record_save(obj=actor, by=reviewer)
    organization = Participation.objects.get(event=event, organization__isnull=False).organization
    organization.name = "International Committee of the Red Cross"
    record_save(obj=organization, by=reviewer)
    source = Source.objects.get(title="A report")
    source.title = "A report, revised"
    record_save(obj=source, by=reviewer)
    theme = Theme.objects.get(slug="detention")
    theme.slug = "detainees"
    record_save(obj=theme, by=reviewer)

    assert stored(event) | {"export_translated": {}} == {
        "export_countries": "UA; RU",
        "export_themes": "diplomacy; detainees",
        "export_sources": "A report, revised",
        "export_actors": "Ukraine (state) (party)",
        "export_organizations": "International Committee of the Red Cross (mediator)",
        "export_translated": {},
    }
    assert stored(second)["export_actors"] == "Ukraine (state) (released)"
    assert_follows(event, second)


def test_a_deleted_theme_leaves_the_cells_of_its_events(event, reviewer):
    record_delete(obj=Theme.objects.get(slug="diplomacy"), by=reviewer)

    assert stored(event)["export_themes"] == "detention"


def test_a_translated_name_is_kept_for_its_language_only(event, reviewer):
    actor = actor_of(event)
    actor.name_uk = "Україна"
    record_save(obj=actor, by=reviewer)

    assert stored(event)["export_actors"] == "Ukraine (party)"
    assert stored(event)["export_translated"] == {"uk": {"actors": "Україна (party)"}}
    assert_follows(event)

    actor.name_uk = ""
    record_save(obj=actor, by=reviewer)
    assert stored(event)["export_translated"] == {}


def test_renaming_an_actor_in_the_admin_updates_the_download(reviewer_client, event):
    event.status = "published"
    event.save()
    actor = actor_of(event)
    url, data = admin_form(reviewer_client, Actor, actor)
    data["name_en"] = ["Ukraine, renamed"]

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    download = reviewer_client.get("/events/export.csv?q=" + event.title.split()[0])
    text = b"".join(download.streaming_content).decode("utf-8-sig")
    rows = [row for row in csv.DictReader(io.StringIO(text)) if row["id"] == event.public_id]
    assert [row["actors"] for row in rows] == ["Ukraine, renamed (party)"]
    assert "Ukraine (party)" not in text


# --- the admin's form, a spreadsheet import, the demo loader ----------------------------------------------


def test_the_admin_form_stores_the_cells_of_the_countries_and_themes_it_sets(editor_client, event):
    url, data = admin_form(editor_client, Event, event)
    data["countries"] = ["PL", "TR"]
    data["themes"] = [str(Theme.objects.get(slug="detention").pk)]

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert stored(event)["export_themes"] == "detention"
    assert sorted(stored(event)["export_countries"].split("; ")) == ["PL", "TR"]
    assert_follows(event)


def test_a_spreadsheet_import_stores_the_cells_of_the_rows_it_writes(editor_client, shared_demo_content):
    import_rows(editor_client, EVENTS, csv_upload(EVENT_HEADER, [event_row("cells-import-1")]))

    imported = Event.objects.get(public_id="cells-import-1")
    assert stored(imported)["export_countries"]
    assert_follows(imported)


def test_the_demo_loaded_twice_keeps_every_events_cells_equal_to_its_relations(db):
    call_command("load_demo", verbosity=0)
    assert Event.objects.exclude(export_actors="").exists()
    assert_follows(*Event.objects.all())

    call_command("load_demo", verbosity=0)

    assert_follows(*Event.objects.all())


# --- the migration's fill writes what the services write ---------------------------------------------------


class SchemaEditor:
    """What the fill uses of a schema editor (a real one cannot open inside a test's transaction on SQLite)."""

    connection = connection

    def execute(self, sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_migrations_fill_writes_what_the_services_write(event, reviewer):
    actor = actor_of(event)
    actor.name_uk = "Україна"
    record_save(obj=actor, by=reviewer)
    others = [EventFactory(), EventFactory(countries=["PL"])]
    expected = {pk: cells for pk, cells in export_cells([event.pk, *(e.pk for e in others)]).items()}
    Event.objects.update(**{field: "" for field in EXPORT_FIELDS[:-1]}, export_translated={})

    fill_migration.fill(django_apps, SchemaEditor())

    assert {e.pk: stored(e) for e in [event, *others]} == expected
    assert stored(event)["export_translated"] == {"uk": {"actors": "Україна (party)"}}
