"""The demo accounts command: a reviewer and an editor with fresh passwords, printed, and how to enrol
a second factor."""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from tests.signin import sign_in

CREDENTIALS = re.compile(r"username (?P<username>\S+)\s+password (?P<password>\S+)")


def run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_credentials(output):
    return {match["username"]: match["password"] for match in CREDENTIALS.finditer(output)}


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
