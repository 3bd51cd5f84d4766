"""Every page of the editors' admin renders for the people who use it, with the seed's rows in it."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains, assertNotContains

from knowledgebase.actors.models import Actor
from knowledgebase.core.workflow_groups import REVIEWER, SIGN_IN_PERMISSIONS, declared, domain_apps
from knowledgebase.events.models import Event, Figure, FigureBreakdown
from tests.conftest import SEP_2022_EXCHANGE
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AllegationFactory,
    CitationFactory,
    EventFactory,
    FigureBreakdownFactory,
    FigureFactory,
    ParticipationFactory,
)

# EventFactory lacks `skip_postgeneration_save = True`, so factory_boy warns on every event it
# creates (reported; tests/factories.py is shared and its existing factories are not changed here).

# What editors may add and change (workflow_groups.py); everything else in the domain is read-only for them.
EDITOR_WRITES = {
    f"{app}.{model}"
    for kind in ("editorial_models", "shared_models")
    for app, names in declared(kind).items()
    for model in names
}


def label(model):
    return f"{model._meta.app_label}.{model._meta.model_name}"


def registered():
    return sorted(admin.site._registry, key=label)


def domain_models():
    return {label(model) for model in registered() if model._meta.app_label in domain_apps()}


SIGN_IN_MODELS = {f"{app}.{codename.split('_', 1)[1]}" for app, codename in SIGN_IN_PERMISSIONS}


def readable_by(user):
    """What the admin shows ``user``: the domain, and for reviewers the sign-in records too."""
    return domain_models() | (SIGN_IN_MODELS if user.groups.filter(name=REVIEWER).exists() else set())


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def may(user, action, model):
    return user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")


@pytest.fixture
def every_model_has_a_row(demo_content, django_user_model):
    """The seed has no breakdowns, sign-in records or second factors; give their admins a row too."""
    FigureBreakdownFactory(figure=Figure.objects.order_by("pk").first(), value=1)
    owner = django_user_model.objects.create_user("device-owner", password="pw", is_staff=True)
    TOTPDevice.objects.create(user=owner, name="default")
    StaticDevice.objects.create(user=owner, name="backup")
    attempt = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "test", "path_info": "/account/login/"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    AccessLog.objects.create(**attempt)


# Django 5.2 warns (RemovedInDjango60Warning) whenever a form builds a URLField without
# `assume_scheme`; the admin forms of these models do. BUG reported: see
# test_add_page_renders_without_deprecation_warnings; the page-by-page tests look past it.


def has_url_field(model):
    return any(isinstance(field, models.URLField) for field in model._meta.fields)


def open_pages(client, user, view):
    """Open ``view`` of every registered admin; return the models that rendered and any wrong answers."""
    client.force_login(user)
    rendered, wrong = set(), []
    for model in registered():
        if view == "change":
            obj = model._default_manager.order_by("pk").first()
            assert obj is not None, f"no {label(model)} row to open"
            response = client.get(url(model, "change", obj.pk))
        else:
            response = client.get(url(model, "changelist"))
        expected = 200 if may(user, "view", model) or may(user, "change", model) else 403
        if response.status_code != expected:
            wrong.append((label(model), response.status_code, expected))
        elif expected == 200:
            rendered.add(label(model))
    return rendered, wrong


def test_editor_reads_every_domain_model_and_writes_only_drafts_and_shared_entities(editor):
    for model_label in domain_models():
        app_label, model_name = model_label.split(".")
        assert editor.has_perm(f"{app_label}.view_{model_name}"), model_label
        assert editor.has_perm(f"{app_label}.add_{model_name}") == (model_label in EDITOR_WRITES), model_label
        assert editor.has_perm(f"{app_label}.change_{model_name}") == (model_label in EDITOR_WRITES), model_label


def test_reviewer_maintains_every_domain_model_but_the_iso_country_list(reviewer):
    for model_label in domain_models() - {"core.country"}:
        app_label, model_name = model_label.split(".")
        for action in ("view", "add", "change", "delete"):
            assert reviewer.has_perm(f"{app_label}.{action}_{model_name}"), (action, model_label)
    assert reviewer.has_perm("core.view_country")
    assert not reviewer.has_perm("core.change_country")


def test_every_changelist_and_the_index_render_for_editors_and_reviewers(
    client, editor, reviewer, every_model_has_a_row
):
    for user in (editor, reviewer):
        rendered, wrong = open_pages(client, user, "changelist")

        assert wrong == [], user.username
        assert rendered == readable_by(user), user.username
        assert client.get(reverse("admin:index")).status_code == 200, user.username
        assert client.get(reverse("admin:review-queue")).status_code == 200, user.username


def test_every_change_page_renders_for_editors_and_reviewers(client, editor, reviewer, every_model_has_a_row):
    for user in (editor, reviewer):
        rendered, wrong = open_pages(client, user, "change")

        assert wrong == [], user.username
        assert rendered == readable_by(user), user.username


def add_page_cases():
    """(model, role, expected status) for every registered admin; auth's own admin is for superusers."""
    cases = []
    for model in registered():
        model_label = label(model)
        in_domain = model._meta.app_label in domain_apps()
        for role, may_add in [
            ("editor", model_label in EDITOR_WRITES),
            ("reviewer", in_domain and model_label != "core.country"),
        ]:
            cases.append(pytest.param(model, role, 200 if may_add else 403, id=f"{model_label}-{role}"))
    return cases


@pytest.mark.parametrize(("model", "role", "expected"), add_page_cases())
def test_every_add_page_renders_where_the_user_may_add(db, client, request, model, role, expected):
    client.force_login(request.getfixturevalue(role))

    response = client.get(url(model, "add"))

    assert response.status_code == expected


@pytest.mark.parametrize("model", [model for model in registered() if has_url_field(model)], ids=label)
def test_add_page_renders_without_deprecation_warnings(reviewer_client, model):
    response = reviewer_client.get(url(model, "add"))

    assert response.status_code == 200


def test_published_event_with_all_its_inlines_renders_for_both_roles(client, editor, reviewer, medvedchuk):
    event = medvedchuk.participations.first().event
    event.status = "published"
    event.save()
    FigureFactory(event=event, claimant_actor=medvedchuk)
    AllegationFactory(event=event)
    CitationFactory(event=event)

    for user, can_save in [(editor, False), (reviewer, True)]:
        client.force_login(user)
        response = client.get(url(Event, "change", event.pk))

        assert response.status_code == 200
        assertContains(response, "Viktor Medvedchuk")
        assert ('name="_save"' in response.content.decode()) is can_save


def test_admin_search_finds_the_seeds_misspelt_alias(editor_client, demo_content):
    actors = editor_client.get(url(Actor, "changelist"), {"q": "Medvechuk"})
    correctly_spelt = editor_client.get(url(Actor, "changelist"), {"q": "Medvedchuk"})
    events = editor_client.get(url(Event, "changelist"), {"q": "Medvechuk"})

    assert [actor.name for actor in actors.context["cl"].result_list] == ["Viktor Medvedchuk"]
    assertContains(actors, "Viktor Medvedchuk")
    assert [actor.name for actor in correctly_spelt.context["cl"].result_list] == ["Viktor Medvedchuk"]
    assert [event.public_id for event in events.context["cl"].result_list] == [SEP_2022_EXCHANGE]


@pytest.fixture
def medvedchuk(db):
    actor = ActorFactory(name="Viktor Medvedchuk", slug="viktor-medvedchuk", kind="person")
    ActorAliasFactory(actor=actor, name="Medvechuk", kind="misspelling")
    ActorAliasFactory(actor=actor, name="Medvedchuck", kind="misspelling")
    for event in (EventFactory(), EventFactory()):
        ParticipationFactory(event=event, actor=actor, role="released")
    ActorFactory(name="Dmytro Lubinets")
    return actor


def test_actor_search_lists_an_actor_with_several_matching_aliases_once(editor_client, medvedchuk):
    response = editor_client.get(url(Actor, "changelist"), {"q": "Medv"})

    assert response.context["cl"].result_count == 1
    assert [(actor.name, actor.event_count) for actor in response.context["cl"].result_list] == [
        ("Viktor Medvedchuk", 2)
    ]


def test_actor_search_with_no_match_lists_nothing(editor_client, medvedchuk):
    response = editor_client.get(url(Actor, "changelist"), {"q": "Nobody-by-this-name"})

    assert response.context["cl"].result_count == 0
    assertNotContains(response, "Viktor Medvedchuk")


def autocomplete_fields():
    """(app_label, model_name, field_name) of every autocomplete widget, in model admins and their inlines."""
    fields = set()
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            fields.add((model._meta.app_label, model._meta.model_name, field_name))
        for inline in model_admin.inlines:
            for field_name in inline.autocomplete_fields:
                fields.add((inline.model._meta.app_label, inline.model._meta.model_name, field_name))
    return sorted(fields)


def test_there_are_autocomplete_widgets_to_check():
    fields = autocomplete_fields()

    assert ("events", "figure", "claimant_actor") in fields
    assert ("events", "participation", "actor") in fields  # from the event's participation inline too
    assert len(fields) > 30


def autocomplete_cases():
    cases = []
    for app_label, model_name, field_name in autocomplete_fields():
        cases.append(pytest.param(app_label, model_name, field_name, id=f"{app_label}.{model_name}.{field_name}"))
    return cases


@pytest.mark.parametrize(("app_label", "model_name", "field_name"), autocomplete_cases())
def test_every_autocomplete_endpoint_answers(client, editor, reviewer, app_label, model_name, field_name):
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}

    for user in (editor, reviewer):
        client.force_login(user)
        response = client.get(reverse("admin:autocomplete"), params)

        assert response.status_code == 200, user.username
        assert set(response.json()) == {"results", "pagination"}


def test_actor_autocomplete_lists_actors_by_name(editor_client):
    for name in ["Zelensky", "Lubinets", "Budanov"]:
        ActorFactory(name=name)
    params = {"app_label": "events", "model_name": "participation", "field_name": "actor", "term": ""}

    response = editor_client.get(reverse("admin:autocomplete"), params)

    assert [result["text"] for result in response.json()["results"]] == ["Budanov", "Lubinets", "Zelensky"]


# The pagination warning is the ordering bug above; this test is about matching the alias.
@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [("figure", "claimant_actor"), ("participation", "actor")],
)
def test_actor_autocomplete_finds_a_misspelt_alias(editor_client, medvedchuk, model_name, field_name):
    params = {"app_label": "events", "model_name": model_name, "field_name": field_name, "term": "Medvechuk"}

    response = editor_client.get(reverse("admin:autocomplete"), params)

    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Viktor Medvedchuk"]


def test_autocomplete_refuses_a_field_that_is_not_a_relation(editor_client):
    params = {"app_label": "events", "model_name": "event", "field_name": "title", "term": "x"}

    response = editor_client.get(reverse("admin:autocomplete"), params)

    assert response.status_code == 403


def test_autocomplete_needs_a_staff_login(client, medvedchuk):
    params = {"app_label": "events", "model_name": "figure", "field_name": "claimant_actor", "term": "Medvechuk"}

    response = client.get(reverse("admin:autocomplete"), params)

    assert response.status_code == 302


def test_breakdown_change_page_shows_its_figure(reviewer_client):
    breakdown = FigureBreakdownFactory(category="civilian")

    response = reviewer_client.get(url(FigureBreakdown, "change", breakdown.pk))

    assert response.status_code == 200
    assertContains(response, "civilian")
