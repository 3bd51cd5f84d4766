"""Content in two languages: the columns per language, what queries read, the admin's forms and filters,
the review gate on translations, revision history, and the countries' Ukrainian names."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.briefs.models import Brief
from knowledgebase.core.countries import load_iso_countries
from knowledgebase.core.models import Country, PublicationStatus, Theme
from knowledgebase.core.services import record_save
from knowledgebase.core.translation import missing_translation, translated_fields, untranslated_fields
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event
from tests.admin_forms import admin_form, admin_url
from tests.factories import (
    ActorFactory,
    BriefFactory,
    EventFactory,
    OrganizationFactory,
    StatisticFactory,
    TakeawayFactory,
)

# Every record a reviewer checks for a missing translation, made translated and untranslated.
REVIEWED = [
    pytest.param(Event, lambda **kw: EventFactory(published=True, **kw), "title", id="event"),
    pytest.param(Brief, lambda **kw: BriefFactory(published=True, **kw), "title", id="brief"),
    pytest.param(DisplacementStatistic, lambda **kw: StatisticFactory(published=True, **kw), "title", id="statistic"),
    pytest.param(Actor, lambda **kw: ActorFactory(**kw), "name", id="actor"),
    pytest.param(Organization, lambda **kw: OrganizationFactory(**kw), "name", id="organisation"),
]


def translate_all(record, text="Переклад"):
    """Give every translated field of ``record`` that has English text a Ukrainian one."""
    for field in translated_fields(type(record)):
        if getattr(record, f"{field}_en"):
            setattr(record, f"{field}_uk", f"{text} {field}")
    record.save()
    return record


# --- Fields and queries ---------------------------------------------------------------------------


def test_a_record_reads_in_the_readers_language_and_falls_back_to_english(db):
    event = EventFactory(title="Exchange", summary="Both sides.")
    event.title_uk = "Обмін"
    event.save()

    with translation.override("uk"):
        assert (event.title, event.summary) == ("Обмін", "Both sides.")
        assert untranslated_fields(event) == ["summary"]
    assert (event.title, event.summary) == ("Exchange", "Both sides.")
    assert untranslated_fields(event) == []


def test_the_original_column_keeps_english_whatever_the_language_of_the_save(db):
    event = EventFactory(title="Exchange")

    with translation.override("uk"):
        event.title = "Обмін"
        event.save()
        stored = Event.objects.values_list("title", "title_en", "title_uk").get(pk=event.pk)

    assert stored == ("Exchange", "Exchange", "Обмін")


def test_an_update_of_the_original_column_updates_the_english_one(db):
    event = EventFactory(title="Exchange")

    Event.objects.filter(pk=event.pk).update(title="Corrected")

    assert Event.objects.values_list("title", "title_en").get(pk=event.pk) == ("Corrected", "Corrected")


def test_queries_on_a_translated_field_read_the_english_column_on_a_ukrainian_page(db):
    event = EventFactory(title="Exchange", title_uk="Обмін")
    EventFactory(title="Other")

    with translation.override("uk"):
        assert list(Event.objects.filter(title__icontains="exchange")) == [event]
        assert list(Event.objects.filter(title_uk="Обмін")) == [event]
        assert Event.objects.values_list("title", flat=True).get(pk=event.pk) == "Exchange"


def test_an_aggregate_over_a_model_ordered_by_a_translated_name_counts_per_group(db):
    ActorFactory(kind="official")
    ActorFactory(kind="official")

    with translation.override("uk"):
        counts = dict(Actor.objects.values_list("kind").annotate(n=Count("id")))

    assert counts == {"official": 2}


def test_english_text_without_a_translation_is_missing_and_empty_text_is_not(db):
    untranslated = EventFactory(title="Exchange", body="")
    translated = translate_all(EventFactory(title="Other", body=""))

    missing = set(Event.objects.filter(missing_translation(Event, "uk")))

    assert missing == {untranslated}
    assert translated not in missing


def test_a_brief_whose_takeaway_is_untranslated_misses_a_translation(db):
    brief = translate_all(BriefFactory(title="An assessment", body=""))
    takeaway = TakeawayFactory(brief=brief, text="One thing to know.")
    TakeawayFactory(brief=brief, text="Another.", text_uk="Інше.")

    assert list(Brief.objects.filter(missing_translation(Brief, "uk"))) == [brief]
    takeaway.text_uk = "Одне, що треба знати."
    takeaway.save()
    assert not Brief.objects.filter(missing_translation(Brief, "uk")).exists()


def test_a_revision_keeps_every_language_and_a_revert_restores_them(reviewer_client):
    event = EventFactory(title="Exchange", title_uk="Обмін")
    event.title_uk = "Великий обмін"
    event.save()

    first, latest = event.history.order_by("history_id")[0], event.history.order_by("history_id").last()
    assert (first.title_en, first.title_uk) == ("Exchange", "Обмін")
    assert (latest.title_en, latest.title_uk) == ("Exchange", "Великий обмін")
    restored = first.instance
    assert (restored.title_en, restored.title_uk) == ("Exchange", "Обмін")
    assert [change.field for change in latest.diff_against(first).changes] == ["title_uk"]


# --- Countries ------------------------------------------------------------------------------------


def test_every_country_has_its_ukrainian_name(db):
    assert Country.objects.get(code="UA").name_uk == "Україна"
    assert Country.objects.get(code="RU").name_uk == "Російська Федерація"
    assert not Country.objects.filter(name_uk__isnull=True).exists()
    with translation.override("uk"):
        assert str(Country.objects.get(code="KZ")) == "Казахстан"


def test_countries_loaded_again_get_their_ukrainian_names(db):
    Country.objects.filter(code="AE").delete()

    assert load_iso_countries(Country) == 1

    country = Country.objects.get(code="AE")
    assert (country.name_en, country.name_uk) == ("United Arab Emirates", "Об’єднані Арабські Емірати")


# --- Admin ----------------------------------------------------------------------------------------


def test_the_event_form_has_a_field_per_language_and_requires_only_english(editor_client):
    event_type = EventFactory().event_type
    url, data = admin_form(editor_client, Event)
    assert {"title_en", "title_uk", "summary_en", "summary_uk", "body_en", "body_uk"} <= set(data)
    assert "title" not in data
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
    assert (event.title, event.title_uk) == ("Exchange of bodies", None)


def test_the_admin_finds_a_record_by_its_ukrainian_title(reviewer_client):
    EventFactory(title="Exchange", title_uk="Обмін полоненими")

    response = reviewer_client.get(admin_url(Event, "changelist"), {"q": "полоненими"})

    assertContains(response, "Exchange")


@pytest.mark.parametrize(("model", "make", "field"), REVIEWED)
def test_the_translation_filter_lists_the_records_missing_a_ukrainian_translation(reviewer_client, model, make, field):
    untranslated = make(**{field: "Untranslated record"})
    translated = translate_all(make(**{field: "Translated record"}))
    changelist = admin_url(model, "changelist")

    missing = reviewer_client.get(changelist, {"translation_uk": "missing"})
    complete = reviewer_client.get(changelist, {"translation_uk": "complete"})

    assert list(missing.context["cl"].result_list) == [untranslated]
    assert list(complete.context["cl"].result_list) == [translated]


def test_the_admin_index_counts_the_public_records_missing_a_translation(reviewer_client):
    EventFactory(published=True, title="Untranslated")
    EventFactory(title="A draft is not counted")
    translate_all(EventFactory(published=True, title="Translated"))
    ActorFactory()

    response = reviewer_client.get(reverse("admin:index"))

    counts = {
        str(row["name"]): (row["count"], row["url"]) for row in response.context["missing_translations"][0]["rows"]
    }
    changelist = admin_url(Event, "changelist")
    assert counts["events"] == (1, f"{changelist}?translation_uk=missing&status__exact=published")
    assert counts["actors"][0] == 1
    assertContains(response, f'href="{changelist}?translation_uk=missing&amp;status__exact=published"')


# --- The review gate ------------------------------------------------------------------------------


def test_an_editor_cannot_post_a_translation_of_a_published_record(client, editor, reviewer):
    event = EventFactory(published=True, title="Exchange")
    client.force_login(reviewer)
    url, data = admin_form(client, Event, event)
    data.update(title_uk="Обмін, перекладений редактором")
    client.force_login(editor)

    response = client.post(url, data)

    assert response.status_code == 403
    assert Event.objects.values_list("title_uk", flat=True).get(pk=event.pk) is None


def test_no_path_lets_an_editor_save_a_translation_of_a_published_record(editor):
    event = EventFactory(published=True, title="Exchange")
    event.title_uk = "Обмін"

    with pytest.raises(PermissionDenied):
        record_save(obj=event, by=editor)

    assert Event.objects.values_list("title_uk", flat=True).get(pk=event.pk) is None


def test_a_reviewer_publishes_a_translation_and_readers_see_it(reviewer_client, reviewer):
    event = EventFactory(published=True, title="Exchange")
    url, data = admin_form(reviewer_client, Event, event)
    data.update(title_uk="Обмін")

    response = reviewer_client.post(url, data)

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == PublicationStatus.PUBLISHED
    assertContains(reviewer_client.get(f"/uk{event.get_absolute_url()}"), "Обмін")


def test_an_editor_translates_a_draft(editor_client):
    event = EventFactory(title="Exchange", summary="Both sides.", body="")
    url, data = admin_form(editor_client, Event, event)
    data.update(title_uk="Обмін", summary_uk="Обидві сторони.")

    response = editor_client.post(url, data)

    assert response.status_code == 302
    assert Event.objects.values_list("title_uk", "summary_uk").get(pk=event.pk) == ("Обмін", "Обидві сторони.")
    missing = editor_client.get(admin_url(Event, "changelist"), {"translation_uk": "missing"})
    assert event not in missing.context["cl"].result_list


def test_names_unique_per_language_leave_many_untranslated_rows_possible(reviewer_client):
    for number in (1, 2):
        url, data = admin_form(reviewer_client, Theme)
        data.update(name_en=f"Theme {number}", slug=f"theme-{number}")
        assert reviewer_client.post(url, data).status_code == 302

    assert list(Theme.objects.filter(slug__startswith="theme-").values_list("name_uk", flat=True)) == [None, None]
