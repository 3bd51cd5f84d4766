"""One FilterSet binding (knowledgebase.core.filtering): every list binds its FilterSet the same way, in
its page's order, and answers a parameter it cannot read with one error shape per medium."""

import datetime
import json

import pytest
from django.test import RequestFactory
from django.utils import translation

from knowledgebase.actors.filters import ActorFilter
from knowledgebase.actors.models import Actor
from knowledgebase.core.filtering import bind_filters
from knowledgebase.events.api import FigureFilter
from knowledgebase.events.filters import EventFilter, ExchangeFilter
from knowledgebase.events.models import Event, Figure
from tests.factories import ActorFactory, EventFactory, FigureFactory


def bind(filterset_class, queryset, **params):
    return bind_filters(RequestFactory().get("/", params), filterset_class, queryset)


@pytest.fixture
def three_events(db):
    dates = [datetime.date(2023, 5, 1), datetime.date(2024, 1, 3), datetime.date(2022, 9, 1)]
    return [EventFactory(published=True, title=f"Exchange {n}", start_date=day) for n, day in enumerate(dates)]


def public_ids(rows):
    return [event.public_id for event in rows]


def test_without_parameters_the_filterset_is_unbound_yet_the_rows_are_in_the_page_order(three_events):
    newest_first = sorted(three_events, key=lambda event: event.start_date, reverse=True)

    bound = bind(EventFilter, Event.objects.published().order_by("title"))

    assert not bound.filterset.is_bound
    assert bound.is_valid and bound.cleaned == {}
    assert public_ids(bound.rows) == public_ids(newest_first)


def test_the_filtersets_ordering_applies_whatever_the_queryset_order(three_events):
    oldest_first = sorted(three_events, key=lambda event: event.start_date)

    assert public_ids(bind(EventFilter, Event.objects.published(), sort="oldest").rows) == public_ids(oldest_first)
    assert public_ids(bind(ExchangeFilter, Event.objects.published(), sort="newest").rows) == public_ids(oldest_first)
    assert public_ids(bind(ExchangeFilter, Event.objects.published(), country="UA").rows) == []


def test_valid_parameters_are_given_as_read(three_events):
    bound = bind(EventFilter, Event.objects.published(), q=" exchange ", date_after="2023-01-01")

    assert bound.is_valid
    assert bound.cleaned["q"] == "exchange"
    assert bound.cleaned["date"].start.date() == datetime.date(2023, 1, 1)
    assert len(bound.rows) == 2


def test_a_parameter_that_cannot_be_read_selects_nothing_and_says_why(three_events):
    bound = bind(EventFilter, Event.objects.published(), date_after="soon", country="XX")

    assert not bound.is_valid
    assert bound.cleaned == {}
    assert list(bound.rows) == []
    assert bound.rows.ordered  # a page of it paginates without a warning
    assert set(bound.errors()) == {"date", "country"}
    assert bound.errors()["date"] == ["Enter a valid date."]
    response = bound.error_response()
    assert response.status_code == 400
    assert json.loads(response.content) == bound.errors()


def test_the_reasons_are_in_the_readers_language(db):
    bound = bind(EventFilter, Event.objects.published(), date_after="soon")

    with translation.override("fr"):
        reasons = bound.errors()["date"]

    assert reasons == ["Saisissez une date valide."]


def test_a_filterset_without_an_ordering_keeps_the_querysets(db):
    figures = [FigureFactory(event__status="published", value=value) for value in (3, 1, 2)]

    bound = bind(FigureFilter, Figure.objects.order_by("-value"))

    assert list(bound.rows) == sorted(figures, key=lambda figure: figure.value, reverse=True)


def test_actors_are_listed_by_name_then_by_id(db):
    second, first = ActorFactory(name="Same"), ActorFactory(name="A first")
    third = ActorFactory(name="Same")

    assert list(bind(ActorFilter, Actor.objects.all()).rows) == [first, second, third]


# --- One error body for the downloads, the feed and the API; form errors on the page ------------

BAD = {"date_after": "soon", "country": "XX"}


@pytest.mark.parametrize(
    "url",
    ["/events/export.csv", "/events/figures.json", "/pow-exchanges/export.csv", "/feeds/events/", "/api/v1/events/"],
)
def test_downloads_the_feed_and_the_api_answer_a_bad_filter_with_the_same_json_body(client, db, url):
    expected = bind(EventFilter, Event.objects.none(), **BAD).errors()

    response = client.get(url, BAD, HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == expected


@pytest.mark.parametrize("url", ["/events/", "/pow-exchanges/"])
def test_a_page_answers_a_bad_filter_with_its_form_and_the_reasons(client, db, url):
    response = client.get(url, BAD)

    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert response.context["form"].errors


def test_the_api_schema_documents_the_error_body_it_sends(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    documented = schema["paths"]["/api/v1/events/"]["get"]["responses"]["400"]["content"]["application/json"]
    body = client.get("/api/v1/events/", BAD, HTTP_ACCEPT="application/json").json()

    assert documented["schema"]["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert all(isinstance(reasons, list) and all(isinstance(r, str) for r in reasons) for reasons in body.values())
