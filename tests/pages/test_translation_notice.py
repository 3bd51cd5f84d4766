"""Content without a Ukrainian translation: a Ukrainian page shows the English text, marks it as English
for screen readers, and says that it has not been translated yet; a translated record shows neither."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from knowledgebase.serving.content_version import clear_memo
from tests.factories import (
    ActorFactory,
    BriefFactory,
    EventFactory,
    OrganizationFactory,
    ProvisionFactory,
    TakeawayFactory,
)

NOTICE = "This text has not been translated yet."


def notice_in(language):
    with translation.override(language):
        return gettext(NOTICE)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def fresh_page(client, url):
    """The page rendered again, not served from the page cache."""
    cache.clear()
    clear_memo()
    return page(client, url)


def heading(html):
    return re.search(r"<h1[^>]*>.*?</h1>", html, re.S).group(0)


# (factory of a public record with English text only, its English text shown in the heading, the Ukrainian
# field that translates it)
RECORDS = [
    pytest.param(lambda: EventFactory(published=True, title="Bodies exchanged"), "Bodies exchanged", id="event"),
    pytest.param(lambda: BriefFactory(published=True, title="An assessment"), "An assessment", id="brief"),
    pytest.param(lambda: ActorFactory(name="Some Official", position="Envoy"), "Some Official", id="actor"),
    pytest.param(lambda: OrganizationFactory(name="Some Institute"), "Some Institute", id="organisation"),
    pytest.param(lambda: ProvisionFactory(title="Humane treatment"), "Humane treatment", id="provision"),
]


@pytest.mark.parametrize(("make", "english"), RECORDS)
def test_an_untranslated_record_shows_english_marked_as_english_with_the_notice(client, db, make, english):
    record = make()

    html = page(client, "/uk" + record.get_absolute_url())

    assert english in heading(html)
    assert 'lang="en"' in heading(html)
    assert notice_in("uk") in html


@pytest.mark.parametrize(("make", "english"), RECORDS)
def test_the_english_page_has_no_notice(client, db, make, english):
    record = make()

    html = page(client, record.get_absolute_url())

    assert english in heading(html)
    assert 'lang="en"' not in heading(html)
    assert NOTICE not in html


def test_a_translated_event_shows_its_ukrainian_text_without_the_notice(client, db):
    event = EventFactory(published=True, title="Bodies exchanged", summary="Both sides.", body="")
    event.title_uk, event.summary_uk = "Обмін тілами", "Обидві сторони."
    event.save()

    html = page(client, f"/uk{event.get_absolute_url()}")

    assert heading(html) == '<h1 id="event-title">Обмін тілами</h1>'
    assert "Обидві сторони." in html
    assert notice_in("uk") not in html


def test_a_partly_translated_event_marks_only_the_english_part(client, db):
    event = EventFactory(published=True, title="Bodies exchanged", summary="Both sides returned remains.")
    event.title_uk = "Обмін тілами"
    event.save()

    html = page(client, f"/uk{event.get_absolute_url()}")

    assert 'lang="en"' not in heading(html)
    assert re.search(r'<p class="lead" lang="en">Both sides returned remains.</p>', html)
    assert notice_in("uk") in html


def test_a_brief_with_an_untranslated_takeaway_says_so(client, db):
    brief = BriefFactory(published=True, title="An assessment", title_uk="Оцінка", standfirst_uk="Вступ.", body="")
    TakeawayFactory(brief=brief, text="One thing to know.")

    html = page(client, f"/uk{brief.get_absolute_url()}")

    assert re.search(r'<li lang="en">One thing to know.', html)
    assert notice_in("uk") in html


def test_the_list_row_of_an_untranslated_event_marks_it_and_says_so(client, db):
    EventFactory(published=True, title="Bodies exchanged")
    EventFactory(published=True, title="Translated", title_uk="Перекладено", summary_uk="Підсумок.")

    html = page(client, "/uk/events/")

    assert re.search(r'<a href="[^"]+" lang="en">Bodies exchanged</a>', html)
    assert "Перекладено" in html
    assert html.count(notice_in("uk")) == 1


def test_the_fallback_costs_no_query(client, db):
    event = EventFactory(published=True, title="Bodies exchanged")
    client.get(event.get_absolute_url())  # warm what the first request of a run loads once

    with CaptureQueriesContext(connection) as english:
        fresh_page(client, event.get_absolute_url())
    with CaptureQueriesContext(connection) as ukrainian:
        html = fresh_page(client, f"/uk{event.get_absolute_url()}")

    assert notice_in("uk") in html
    assert len(ukrainian.captured_queries) == len(english.captured_queries)
