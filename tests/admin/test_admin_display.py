"""The admin's change-list columns (``knowledgebase.core.admin_display``) and what editors see through them:
long text cut with the whole of it on hover, dates as the site writes them, a fixed number of queries per
list however many rows it shows, and a help text for every field of the event and figure forms that an
editor might not know."""

import datetime

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Actor
from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.admin_display import shortened, written_date, written_date_at_precision
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Citation, Event, Figure, FigureBreakdown, Participation
from knowledgebase.ihl.models import Allegation, Instrument
from knowledgebase.sources.models import Source
from tests import factories
from tests.conftest import JAN_2024_EXCHANGE, SUMMER_2023_FREEZE

LONG_TITLE = "Kremlin-affiliated mouthpieces may be setting conditions to blame the West for a future A"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def column(model, name):
    return getattr(admin.site._registry[model], name)


# Units


def test_short_text_is_shown_whole_and_empty_text_as_the_admins_dash():
    assert shortened("Prisoner exchange", 40) == "Prisoner exchange"
    assert shortened("", 40) is None
    assert shortened(None, 40) is None


def test_long_text_is_cut_and_shown_whole_on_hover_escaped():
    text = 'Russia and Ukraine hold the largest POW exchange <of> the war & "more"'

    html = shortened(text, 30)

    assert html == (
        '<span class="truncated" title="Russia and Ukraine hold the largest POW exchange &lt;of&gt; the war '
        '&amp; &quot;more&quot;">Russia and Ukraine hold the l…</span>'
    )


def test_a_date_reads_as_on_the_site_in_each_language():
    day = datetime.date(2024, 1, 3)

    assert written_date(day) == '<time datetime="2024-01-03">3 January 2024</time>'
    with translation.override("uk"):
        assert written_date(day) == '<time datetime="2024-01-03">3 січня 2024</time>'
    assert written_date(None) is None


def test_a_moment_reads_as_its_local_day():
    late_evening_in_utc = datetime.datetime(2024, 1, 3, 23, 30, tzinfo=datetime.UTC)

    with timezone.override("Europe/Kyiv"):
        assert written_date(late_evening_in_utc) == '<time datetime="2024-01-04">4 January 2024</time>'


def test_an_events_date_reads_at_its_precision_and_a_range_as_two_dates():
    start, end = datetime.date(2023, 6, 1), datetime.date(2023, 8, 31)

    assert written_date_at_precision(start, None, "month") == '<time datetime="2023-06-01">June 2023</time>'
    assert written_date_at_precision(start, end, "season") == '<time datetime="2023-06-01">Summer 2023</time>'
    assert written_date_at_precision(start, end, "day") == (
        '<time datetime="2023-06-01">1 June 2023</time> – <time datetime="2023-08-31">31 August 2023</time>'
    )
    assert written_date_at_precision(None) is None


def test_a_column_takes_its_header_and_its_sort_from_the_field():
    title = column(Event, "short_title")
    published = column(Source, "published")
    measurement = column(DisplacementStatistic, "short_measurement")

    assert (str(title.short_description), title.admin_order_field) == ("title", "title")
    assert (str(published.short_description), published.admin_order_field) == ("publication date", "published_date")
    shown = measurement(DisplacementStatistic(measurement="stock"))
    assert shown.startswith('<span class="truncated" title="Stock: people displaced at a date">Stock: people')
    assert shown.endswith("…</span>")


# What editors see


@pytest.mark.usefixtures("shared_demo_content")
def test_the_event_list_cuts_long_titles_and_writes_dates_as_the_site(editor_client):
    response = editor_client.get(admin_url(Event, "changelist"))

    assertContains(response, f'<span class="truncated" title="{LONG_TITLE}')
    assertContains(response, '<time datetime="2024-01-03">3 January 2024</time>')
    assertContains(response, '<time datetime="2023-06-01">Summer 2023</time>')
    assertNotContains(response, "Jan. 3, 2024")
    assertNotContains(response, "Public identifier")


@pytest.mark.usefixtures("shared_demo_content")
def test_read_only_dates_and_moments_on_a_form_read_as_on_the_site(editor_client):
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)  # published: read-only for an editor
    source = Source.objects.order_by("pk").first()
    Source.objects.filter(pk=source.pk).update(created_at=datetime.datetime(2024, 1, 5, 14, 5, tzinfo=datetime.UTC))

    event_form = editor_client.get(admin_url(Event, "change", event.pk))
    source_form = editor_client.get(admin_url(Source, "change", source.pk))

    assertContains(event_form, '<div class="readonly">3 January 2024</div>', html=True)
    assertContains(source_form, "5 January 2024, 14:05")
    assertNotContains(source_form, "p.m.")


@pytest.mark.usefixtures("shared_demo_content")
def test_the_summer_freeze_reads_summer_2023_in_its_list(editor_client):
    event = Event.objects.get(public_id=SUMMER_2023_FREEZE)

    response = editor_client.get(admin_url(Event, "changelist"), {"q": event.public_id})

    assertContains(response, "Summer 2023")


# Query budgets: each list runs a fixed number of queries, however many rows it shows.

#: (model, a factory making one more row with related rows of its own, the list's budget). A list's queries are
#: the session and permissions, the header's review count, the filters' choices, the count and the page of rows.
LISTS = [
    (Event, factories.SingleSaveEventFactory, 20),
    (Figure, lambda: factories.FigureFactory(event=factories.SingleSaveEventFactory()), 15),
    (Participation, lambda: factories.ParticipationFactory(event=factories.SingleSaveEventFactory()), 14),
    (Citation, lambda: factories.CitationFactory(event=factories.SingleSaveEventFactory()), 14),
    (FigureBreakdown, lambda: factories.FigureBreakdownFactory(figure=Figure.objects.order_by("pk").first()), 14),
    (Allegation, lambda: factories.AllegationFactory(event=factories.SingleSaveEventFactory()), 16),
    (Instrument, factories.InstrumentFactory, 14),
    (Source, factories.SourceFactory, 18),
    (Actor, lambda: factories.ParticipationFactory(event=factories.SingleSaveEventFactory()).actor, 15),
    (DisplacementStatistic, factories.StatisticFactory, 18),
    (Brief, factories.BriefFactory, 18),
    (Takeaway, lambda: factories.TakeawayFactory(event=factories.SingleSaveEventFactory()), 14),
    (Recommendation, factories.RecommendationFactory, 14),
]


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("shared_demo_content")
@pytest.mark.parametrize(("model", "make", "budget"), LISTS, ids=[model._meta.label for model, _m, _b in LISTS])
def test_a_change_list_runs_a_fixed_number_of_queries(
    reviewer_client, django_assert_max_num_queries, model, make, budget
):
    url = admin_url(model, "changelist")
    make()
    before = queries_of(reviewer_client, url)
    for _ in range(4):
        make()

    with django_assert_max_num_queries(budget):
        after = queries_of(reviewer_client, url)

    assert after == before


# Help texts: every field of the event and figure forms an editor fills in or reads says what it wants, unless
# its label says it all.

#: The event form's summary of what to check before publishing reads as what it is.
OBVIOUS = frozenset({"publishing_checks"})


def fields_without_help(admin_form, languages=tuple(code for code, _name in settings.LANGUAGES)):
    """The fields an admin form (or an inline's form) shows, editable or read-only, that have no help text,
    by their model name (a translated field's columns, title_en and title_uk, as title)."""
    missing = set()
    for fieldset in admin_form:
        for line in fieldset:
            for field in line:
                if field.is_readonly:
                    name, help_text = field.field["name"], field.field["help_text"]
                elif field.field.is_hidden:
                    continue
                else:
                    name, help_text = field.field.name, field.field.help_text
                base = name.rsplit("-", 1)[-1]  # an inline's prefix off
                base = next((base.removesuffix(f"_{code}") for code in languages if base.endswith(f"_{code}")), base)
                if base not in OBVIOUS and not str(help_text).strip():
                    missing.add(base)
    return missing


@pytest.mark.parametrize("model", [Event, Figure], ids=["event", "figure"])
def test_every_field_of_the_event_and_figure_forms_says_what_it_wants(editor_client, model):
    response = editor_client.get(admin_url(model, "add"))
    assert response.status_code == 200

    missing = {f"{model._meta.model_name}.{name}" for name in fields_without_help(response.context["adminform"])}
    for inline in response.context["inline_admin_formsets"]:
        for inline_form in inline:
            missing |= {f"{inline.opts.model._meta.model_name}.{name}" for name in fields_without_help(inline_form)}

    assert missing == set()
    assert len(response.context["inline_admin_formsets"]) >= (3 if model is Event else 1)
