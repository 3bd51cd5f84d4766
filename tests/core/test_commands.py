"""The demo's two commands: create_demo_accounts and load_demo."""

import json
import re
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from knowledgebase.actors.models import Actor
from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.core.workflow_groups import EDITOR, REVIEWER, domain_apps
from knowledgebase.events.models import Event, EventType
from knowledgebase.sources.models import Source
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE
from tests.factories import (
    ActorFactory,
    EventFactory,
    EventTypeFactory,
    FigureFactory,
    SourceFactory,
    StatisticFactory,
    ThemeFactory,
)
from tests.signin import sign_in

# EventFactory lacks `skip_postgeneration_save = True`, so factory_boy warns on every event it
# creates (reported; tests/factories.py is shared and its existing factories are not changed here).

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CREDENTIALS = re.compile(r"username (?P<username>\S+)\s+password (?P<password>\S+)")


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_credentials(output):
    return {match["username"]: match["password"] for match in CREDENTIALS.finditer(output)}


# --- create_demo_accounts -------------------------------------------------------------------------


def test_demo_accounts_are_refused_without_debug(db):
    assert settings.DEBUG is False

    with pytest.raises(CommandError, match="DEBUG"):
        run("create_demo_accounts")

    assert not get_user_model().objects.exists()


def test_demo_accounts_with_force_print_working_credentials(db, client):
    output = run("create_demo_accounts", "--force")

    credentials = printed_credentials(output)
    assert set(credentials) == {"reviewer", "editor"}
    for username, password in credentials.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password(password)
        assert user.is_staff and user.is_active and not user.is_superuser
        response = sign_in(client, username, password)
        assert response.status_code == 302 and response["Location"] == "/admin/"


def test_demo_accounts_say_how_to_enrol_a_second_factor(db, client):
    output = run("create_demo_accounts", "--force")
    username, password = next(iter(printed_credentials(output).items()))

    sign_in(client, username, password)

    assert "http://127.0.0.1:8000/account/two_factor/setup/" in output
    assert client.get("/account/two_factor/setup/").status_code == 200


def test_demo_accounts_land_in_their_groups(db):
    run("create_demo_accounts", "--force")

    users = get_user_model().objects
    assert list(users.get(username="reviewer").groups.values_list("name", flat=True)) == [REVIEWER]
    assert list(users.get(username="editor").groups.values_list("name", flat=True)) == [EDITOR]
    assert users.get(username="reviewer").has_perm("events.publish_event")
    assert not users.get(username="editor").has_perm("events.publish_event")


def test_demo_accounts_run_without_force_when_debug_is_on(db, settings):
    settings.DEBUG = True

    output = run("create_demo_accounts")

    assert set(printed_credentials(output)) == {"reviewer", "editor"}


def test_demo_accounts_are_reset_when_run_again(db):
    first = printed_credentials(run("create_demo_accounts", "--force"))
    editor = get_user_model().objects.get(username="editor")
    editor.is_superuser = True
    editor.save()
    editor.groups.add(Group.objects.get(name=REVIEWER))

    second = printed_credentials(run("create_demo_accounts", "--force"))

    editor.refresh_from_db()
    assert get_user_model().objects.count() == 2
    assert second["editor"] != first["editor"]
    assert editor.check_password(second["editor"]) and not editor.check_password(first["editor"])
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR]


def test_demo_accounts_dry_run_changes_nothing(db):
    created = printed_credentials(run("create_demo_accounts", "--force"))
    before = list(get_user_model().objects.order_by("pk").values_list("username", "password"))

    output = run("create_demo_accounts", "--force", "--dry-run")

    assert "would create or reset reviewer (Reviewer)" in output
    assert "would create or reset editor (Editor)" in output
    assert printed_credentials(output) == {}
    assert list(get_user_model().objects.order_by("pk").values_list("username", "password")) == before
    assert get_user_model().objects.get(username="editor").check_password(created["editor"])


def test_demo_accounts_dry_run_on_an_empty_database_creates_no_one(db):
    run("create_demo_accounts", "--force", "--dry-run")

    assert not get_user_model().objects.exists()


# --- load_demo --------------------------------------------------------------------------------------


def domain_models():
    return [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in domain_apps()]


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in domain_models()}


# Timestamps are compared by their own test below; snapshot() leaves them out.
TIMESTAMPS = {"created_at", "updated_at", "first_published_at"}


def snapshot():
    """Every domain row's stored values, timestamps left out (and the ids of many-to-many links, which
    loaddata replaces with equal links)."""
    rows = {}
    for model in domain_models():
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if field.name not in TIMESTAMPS and not (model._meta.auto_created and field.primary_key)
        ]
        rows[model._meta.label] = sorted(model._default_manager.values_list(*names), key=repr)
    return rows


def fixture_counts():
    counts = Counter()
    for name in ("reference", "demo"):
        for obj in json.loads((FIXTURES / f"{name}.json").read_text()):
            counts[apps.get_model(obj["model"])._meta.label] += 1
    return counts


def test_load_demo_loads_every_fixture_row_and_stamps_published_records(db):
    before = row_counts()

    run("load_demo")

    after = row_counts()
    for model_label, count in fixture_counts().items():
        assert after[model_label] - before[model_label] == count, model_label
    assert Event.objects.get(public_id=JAN_2024_EXCHANGE).first_published_at is not None
    assert Event.objects.get(public_id=DRAFT_EVENT).status == PublicationStatus.DRAFT
    assert Event.objects.get(public_id=DRAFT_EVENT).first_published_at is None
    for model in apps.get_models():
        if issubclass(model, Publishable):
            assert not model.objects.published().filter(first_published_at__isnull=True).exists(), model


def test_loading_the_demo_twice_changes_nothing(db):
    run("load_demo")
    counts, rows = row_counts(), snapshot()

    run("load_demo")

    assert row_counts() == counts
    assert snapshot() == rows


def test_loading_the_demo_twice_keeps_publication_and_creation_times(db):
    run("load_demo")
    event = Event.objects.get(public_id=JAN_2024_EXCHANGE)
    actor = Actor.objects.get(slug="viktor-medvedchuk")

    run("load_demo")

    assert Event.objects.get(pk=event.pk).first_published_at == event.first_published_at
    assert Event.objects.get(pk=event.pk).created_at == event.created_at
    assert Actor.objects.get(pk=actor.pk).created_at == actor.created_at


def test_load_demo_adds_to_a_database_that_already_has_rows(db):
    existing = [
        ThemeFactory(slug="local-theme"),
        EventTypeFactory(slug="local-type"),
        ActorFactory(slug="local-actor"),
        SourceFactory(slug="local-source"),
        EventFactory(published=True),
        FigureFactory(),
        StatisticFactory(published=True),
    ]
    before = {obj: type(obj).objects.values().get(pk=obj.pk) for obj in existing}
    counts = row_counts()

    run("load_demo")

    for obj, values in before.items():
        assert type(obj).objects.values().get(pk=obj.pk) == values, obj
    after = row_counts()
    for model_label, count in fixture_counts().items():
        assert after[model_label] == counts[model_label] + count, model_label
    assert Event.objects.filter(public_id=JAN_2024_EXCHANGE).exists()
    assert Source.objects.filter(slug="local-source").exists()


def test_load_demo_reference_only_loads_the_taxonomies_and_no_content(db):
    run("load_demo", "--reference-only")

    assert EventType.objects.filter(slug="prisoner-exchange").exists()
    assert not Event.objects.exists()
    assert not Actor.objects.exists()
