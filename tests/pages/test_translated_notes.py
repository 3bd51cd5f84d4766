"""Editors' notes in the reader's language, quotations in their source's.

An event's date note and place, a participant's note, a figure's reason for its rank, an allegation's note
and a statistic's as-of note are entered per language: a Ukrainian page shows their Ukrainian text, or the
English marked as English. An excerpt quotes its source verbatim, so it carries the source's language on
every page, whatever the page's language.
"""

import re

import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape

from knowledgebase.events.models import Event, Figure, Participation
from knowledgebase.ihl.models import Allegation
from knowledgebase.serving.content_version import clear_memo
from tests.conftest import JAN_2024_EXCHANGE, SUMMER_2023_FREEZE
from tests.factories import (
    AllegationFactory,
    CitationFactory,
    EventFactory,
    FigureFactory,
    ParticipationFactory,
    SourceFactory,
)

FREEZE_NOTE_EN = "Over summer 2023, as stated on 17 November 2023"
FREEZE_NOTE_UK = "Влітку 2023 року, як зазначено 17 листопада 2023 року"
LUBINETS_NOTE_EN = "Clarified that 230 Ukrainian personnel returned."
LUBINETS_NOTE_UK = "Уточнив, що повернулися 230 українських військовослужбовців."
RANK_REASON_EN = "A later clarification of the President’s “over 200” by Ukraine’s human rights commissioner."
RANK_REASON_UK = "Пізніше уточнення Уповноваженим Верховної Ради з прав людини слів Президента про «понад 200»."


def page(client, url):
    cache.clear()
    clear_memo()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def blockquotes(html):
    """The opening tag of every blockquote of ``html``."""
    return re.findall(r"<blockquote[^>]*>", html)


# --- The demo, in both languages -------------------------------------------------------------------


def test_the_freeze_shows_its_ukrainian_date_note_under_uk(shared_demo_content, client):
    html = page(client, f"/uk/events/{SUMMER_2023_FREEZE}/")

    assert f'<span class="note">({escape(FREEZE_NOTE_UK)})</span>' in html
    assert FREEZE_NOTE_EN not in html


def test_the_freeze_shows_its_english_date_note_in_english(shared_demo_content, client):
    html = page(client, f"/events/{SUMMER_2023_FREEZE}/")

    assert f'<span class="note">({escape(FREEZE_NOTE_EN)})</span>' in html
    assert FREEZE_NOTE_UK not in html


def test_the_january_2024_exchange_reads_its_notes_and_rank_reason_in_ukrainian(shared_demo_content, client):
    html = page(client, f"/uk/events/{JAN_2024_EXCHANGE}/")

    assert f'<span class="note">{escape(LUBINETS_NOTE_UK)}</span>' in html
    assert f'<span class="claim-reason">{escape(RANK_REASON_UK)}</span>' in html
    for english in (LUBINETS_NOTE_EN, RANK_REASON_EN):
        assert escape(english) not in html
    assert "This text has not been translated yet." not in html


def test_the_january_2024_exchange_in_english_is_unchanged(shared_demo_content, client):
    html = page(client, f"/events/{JAN_2024_EXCHANGE}/")

    assert f'<span class="note">{escape(LUBINETS_NOTE_EN)}</span>' in html
    assert f'<span class="claim-reason">{escape(RANK_REASON_EN)}</span>' in html
    assert LUBINETS_NOTE_UK not in html and RANK_REASON_UK not in html


def test_the_excerpts_of_the_january_2024_exchange_stay_english_on_its_ukrainian_page(shared_demo_content, client):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    quoted = [figure.excerpt for figure in Figure.objects.filter(event=event) if figure.excerpt]
    assert quoted  # the seed quotes the source for every figure

    html = page(client, f"/uk/events/{JAN_2024_EXCHANGE}/")

    excerpts = [tag for tag in blockquotes(html) if 'class="excerpt"' in tag]
    assert len(excerpts) >= len(quoted)
    assert all('lang="en"' in tag for tag in excerpts), excerpts
    for excerpt in quoted:
        assert f'<blockquote class="excerpt" lang="en">{escape(excerpt)}</blockquote>' in html


def test_the_allegations_read_their_notes_in_ukrainian_and_quote_their_source_in_english(shared_demo_content, client):
    allegation = Allegation.objects.filter(excerpt__gt="", note__gt="").select_related("event").first()

    html = page(client, f"/uk/events/{allegation.event.public_id}/")

    assert f'<p class="note">{escape(allegation.note_uk)}</p>' in html
    assert allegation.note_uk != allegation.note_en
    assert re.search(r'<blockquote class="excerpt" lang="en"[^>]*>' + re.escape(escape(allegation.excerpt)), html)


def test_the_seed_sources_are_in_english(shared_demo_content):
    assert {figure.source.language for figure in Figure.objects.select_related("source")} == {"en"}


def test_the_displacement_pages_show_the_ukrainian_as_of_notes(shared_demo_content, client):
    html = page(client, "/uk/displacement/")

    assert "Сторінка без дати: «нині»" in html
    assert "Undated page" not in html


# --- Untranslated notes and sources in other languages --------------------------------------------


@pytest.fixture
def english_only_event(db):
    """A published event whose notes have English text only, with a figure, a participant and an allegation
    quoted from a Ukrainian-language source."""
    ukrainian_source = SourceFactory(language="uk")
    event = EventFactory(published=True, title="An exchange", date_note="Over the weekend", place_name="Kyiv")
    with translation.override("uk"):
        event.title_uk = "Обмін"
        event.summary_uk = "Короткий опис."
        event.save()
    ParticipationFactory(event=event, note="Announced it.")
    FigureFactory(
        event=event,
        source=ukrainian_source,
        excerpt="Повернули 100 людей",
        rank="preferred",
        rank_reason="The official count.",
    )
    AllegationFactory(event=event, source=ukrainian_source, excerpt="Слова джерела", note="How it relates.")
    CitationFactory(event=event, source=ukrainian_source, excerpt="Цитата джерела")
    return event


def test_untranslated_notes_show_english_marked_as_english_with_the_notice(english_only_event, client):
    html = page(client, f"/uk/events/{english_only_event.public_id}/")

    assert '<span class="note" lang="en">(Over the weekend)</span>' in html
    assert '<span lang="en">Kyiv</span>' in html
    assert '<span class="note" lang="en">Announced it.</span>' in html
    assert '<span class="claim-reason" lang="en">The official count.</span>' in html
    assert '<p class="note" lang="en">How it relates.</p>' in html
    assert "Цей текст ще не перекладено." in html


def test_notes_in_the_pages_language_carry_no_lang_attribute(english_only_event, client):
    html = page(client, f"/events/{english_only_event.public_id}/")

    assert '<span class="note">(Over the weekend)</span>' in html
    assert '<span class="note">Announced it.</span>' in html
    assert '<span class="claim-reason">The official count.</span>' in html


@pytest.mark.parametrize("prefix", ["", "/uk"])
def test_excerpts_carry_their_sources_language_on_every_page(english_only_event, client, prefix):
    html = page(client, f"{prefix}/events/{english_only_event.public_id}/")

    quotations = blockquotes(html)
    assert len(quotations) == 3  # the figure's, the allegation's and the citation's excerpts
    assert all('lang="uk"' in tag for tag in quotations), quotations


def test_a_translated_participant_note_reads_in_ukrainian(english_only_event, client):
    participation = Participation.objects.get(event=english_only_event)
    participation.note_uk = "Оголосив це."
    participation.save()

    html = page(client, f"/uk/events/{english_only_event.public_id}/")

    assert '<span class="note">Оголосив це.</span>' in html
    assert Participation.objects.filter(note="Announced it.").exists()  # the original column stays English


def test_an_event_is_found_by_its_ukrainian_place_name(shared_demo_content, client):
    event = Event.objects.get(place_name="Avdiivka and Donetsk City")
    assert event.place_name_uk == "Авдіївка та місто Донецьк"

    html = page(client, "/uk/search/?q=Авдіївка та місто Донецьк")

    assert f'href="/uk/events/{event.public_id}/"' in html
