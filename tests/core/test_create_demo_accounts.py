"""The demo accounts command: a reviewer and an editor with random passwords, printed with the address the
demo is served at, kept in var/demo_accounts.json and printed again on the next run; how to enrol a second
factor. And what `make demo` installs and runs."""

import json
import re
import shutil
import stat
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from knowledgebase.core.management.commands.create_demo_accounts import database_key, served_address
from knowledgebase.core.workflow_groups import EDITOR, REVIEWER
from tests.signin import sign_in

CREDENTIALS = re.compile(r"username (?P<username>\S+)\s+password (?P<password>\S+)")
ROOT = Path(__file__).resolve().parents[2]
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 (what `make demo HOST=0.0.0.0` passes)


@pytest.fixture(autouse=True)
def accounts_file(settings, tmp_path):
    """Where the command keeps the passwords in these tests: never the checkout's var/."""
    settings.DEMO_ACCOUNTS_FILE = tmp_path / "var" / "demo_accounts.json"
    return settings.DEMO_ACCOUNTS_FILE


def run(command, *args, stderr=None):
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=stderr if stderr is not None else StringIO())
    return out.getvalue()


def printed_credentials(output):
    return {match["username"]: match["password"] for match in CREDENTIALS.finditer(output)}


def test_demo_accounts_are_refused_without_debug(db, accounts_file):
    assert settings.DEBUG is False

    with pytest.raises(CommandError, match="DEBUG"):
        run("create_demo_accounts")
    with pytest.raises(CommandError, match="DEBUG"):
        run("create_demo_accounts", "--reset", "--host", EVERY_INTERFACE, "--port", "8123")

    assert not get_user_model().objects.exists()
    assert not accounts_file.exists()


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

    assert "Demo accounts for http://127.0.0.1:8000/admin/" in output
    assert "http://127.0.0.1:8000/account/two_factor/setup/" in output
    assert "every interface" not in output
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


def test_demo_accounts_keep_their_passwords_when_run_again(db, client):
    first = printed_credentials(run("create_demo_accounts", "--force"))
    editor = get_user_model().objects.get(username="editor")
    editor.is_superuser = True
    editor.save()
    editor.groups.add(Group.objects.get(name=REVIEWER))

    output = run("create_demo_accounts", "--force")

    editor.refresh_from_db()
    assert printed_credentials(output) == first
    assert "(as before)" in output
    assert get_user_model().objects.count() == 2
    assert editor.check_password(first["editor"])
    # The roles it prints are the roles the account has again.
    assert not editor.is_superuser
    assert list(editor.groups.values_list("name", flat=True)) == [EDITOR]
    assert sign_in(client, "editor", first["editor"])["Location"] == "/admin/"


def test_demo_accounts_get_new_passwords_on_reset(db, client):
    first = printed_credentials(run("create_demo_accounts", "--force"))

    output = run("create_demo_accounts", "--force", "--reset")
    second = printed_credentials(output)

    assert set(second) == {"reviewer", "editor"}
    assert "(new: reset)" in output
    for username in second:
        user = get_user_model().objects.get(username=username)
        assert second[username] != first[username]
        assert user.check_password(second[username]) and not user.check_password(first[username])
    # The next run keeps the new ones.
    assert printed_credentials(run("create_demo_accounts", "--force")) == second
    assert sign_in(client, "reviewer", second["reviewer"])["Location"] == "/admin/"


def test_a_password_its_owner_changed_is_neither_printed_nor_reset(db):
    first = printed_credentials(run("create_demo_accounts", "--force"))
    editor = get_user_model().objects.get(username="editor")
    editor.set_password("the editor's own choice")
    editor.save()

    output = run("create_demo_accounts", "--force")

    editor.refresh_from_db()
    assert printed_credentials(output) == {"reviewer": first["reviewer"]}
    assert "username editor  (its password was changed after the demo set it" in output
    assert "RESET_ACCOUNTS=1" in output
    assert first["editor"] not in output
    assert editor.check_password("the editor's own choice")

    reset = printed_credentials(run("create_demo_accounts", "--force", "--reset"))

    editor.refresh_from_db()
    assert editor.check_password(reset["editor"]) and not editor.check_password("the editor's own choice")


def test_accounts_whose_password_was_never_kept_are_left_alone(db, accounts_file):
    run("create_demo_accounts", "--force")
    before = dict(get_user_model().objects.values_list("username", "password"))
    accounts_file.unlink()

    output = run("create_demo_accounts", "--force")

    assert printed_credentials(output) == {}
    assert output.count("its password is not in") == 2
    assert dict(get_user_model().objects.values_list("username", "password")) == before


def test_passwords_are_kept_for_their_owner_only_and_per_database(db, accounts_file):
    accounts_file.parent.mkdir(parents=True)
    accounts_file.write_text(json.dumps({"postgresql:elsewhere/kb": {"editor": "another database's"}}))
    accounts_file.chmod(0o644)

    printed = printed_credentials(run("create_demo_accounts", "--force"))

    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600
    assert json.loads(accounts_file.read_text()) == {
        "postgresql:elsewhere/kb": {"editor": "another database's"},
        database_key(): printed,
    }
    assert [path.name for path in accounts_file.parent.iterdir()] == ["demo_accounts.json"]


def test_an_unreadable_accounts_file_is_reported_and_replaced(db, accounts_file):
    accounts_file.parent.mkdir(parents=True)
    accounts_file.write_text("{not json")
    errors = StringIO()

    printed = printed_credentials(run("create_demo_accounts", "--force", stderr=errors))

    assert "could not be read" in errors.getvalue()
    assert set(printed) == {"reviewer", "editor"}
    assert json.loads(accounts_file.read_text()) == {database_key(): printed}

    accounts_file.write_text(json.dumps({database_key(): ["reviewer", "editor"]}))
    errors = StringIO()
    output = run("create_demo_accounts", "--force", stderr=errors)

    assert "not what this command writes" in errors.getvalue()
    assert printed_credentials(output) == {}


def test_the_printed_address_follows_host_and_port(db):
    output = run("create_demo_accounts", "--force", "--host", EVERY_INTERFACE, "--port", "8123")

    assert "Demo accounts for http://127.0.0.1:8123/admin/" in output
    assert "http://127.0.0.1:8123/account/two_factor/setup/" in output
    assert "listens on every interface" in output and "ALLOWED_HOSTS" in output
    assert ":8000" not in output

    output = run("create_demo_accounts", "--force", "--url", "https://kb.example.org/demo")

    assert "Demo accounts for https://kb.example.org/demo/admin/" in output
    assert "https://kb.example.org/demo/account/two_factor/setup/" in output


@pytest.mark.parametrize(
    ("host", "port", "url", "expected"),
    [
        (None, None, None, ("http://127.0.0.1:8000/", False)),
        ("127.0.0.1", 8123, None, ("http://127.0.0.1:8123/", False)),
        (EVERY_INTERFACE, 8123, None, ("http://127.0.0.1:8123/", True)),
        ("0", 8000, None, ("http://127.0.0.1:8000/", True)),
        ("::", 8000, None, ("http://[::1]:8000/", True)),
        ("[::]", 8000, None, ("http://[::1]:8000/", True)),
        ("::1", 8000, None, ("http://[::1]:8000/", False)),
        ("[::1]", 8000, None, ("http://[::1]:8000/", False)),
        ("192.0.2.10", 80, None, ("http://192.0.2.10:80/", False)),
        ("kb.local", 65535, None, ("http://kb.local:65535/", False)),
        (None, None, "http://kb.example.org:8080", ("http://kb.example.org:8080/", False)),
    ],
)
def test_served_address(host, port, url, expected):
    assert served_address(host, port, url) == expected


@pytest.mark.parametrize(
    "arguments",
    [
        ["--port", "0"],
        ["--port", "65536"],
        ["--port", "eighty"],
        ["--host", "kb local"],
        ["--host", "evil.example/path"],
        ["--host", "user@host"],
        ["--host", ""],
        ["--url", "javascript:alert(1)"],
        ["--url", "ftp://kb.example.org/"],
        ["--url", ""],
        ["--url", "http://kb.example.org/", "--port", "8123"],
    ],
)
def test_a_wrong_address_is_refused_clearly_and_changes_nothing(db, accounts_file, arguments):
    with pytest.raises(CommandError):
        run("create_demo_accounts", "--force", *arguments)

    assert not get_user_model().objects.exists()
    assert not accounts_file.exists()


def test_demo_accounts_dry_run_changes_nothing(db, accounts_file):
    created = printed_credentials(run("create_demo_accounts", "--force"))
    kept = accounts_file.read_text()
    before = list(get_user_model().objects.order_by("pk").values_list("username", "password"))

    output = run("create_demo_accounts", "--force", "--dry-run")
    reset = run("create_demo_accounts", "--force", "--dry-run", "--reset")

    assert "would keep reviewer's password (Reviewer)" in output
    assert "would keep editor's password (Editor)" in output
    assert "would reset editor's password (Editor)" in reset
    assert printed_credentials(output) == printed_credentials(reset) == {}
    assert list(get_user_model().objects.order_by("pk").values_list("username", "password")) == before
    assert get_user_model().objects.get(username="editor").check_password(created["editor"])
    assert accounts_file.read_text() == kept


def test_demo_accounts_dry_run_on_an_empty_database_creates_no_one(db, accounts_file):
    output = run("create_demo_accounts", "--force", "--dry-run")

    assert "would create reviewer (Reviewer)" in output
    assert "would create editor (Editor)" in output
    assert not get_user_model().objects.exists()
    assert not accounts_file.exists()


# What `make demo` installs: the site's runtime only; the tests and tools come with requirements-dev.txt.
DEV_ONLY = {
    "pytest",
    "pytest-django",
    "factory-boy",
    "polib",
    "ruff",
    "mutmut",
    "libhxl",
    "feedparser",
    "openapi-spec-validator",
    "schemathesis",
    "hypothesis",
    "playwright",
    "axe-playwright-python",
    "datasette",
}


def requirements(name):
    """{normalised package name: version} of a requirements file; other lines (-r …) listed apart."""
    pins, others = {}, []
    for line in (ROOT / name).read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("-"):
            others.append(line)
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[A-Za-z0-9,_-]+\])?==([A-Za-z0-9.+!-]+)", line)
        assert match, f"{name}: {line!r} is not pinned exactly (name==version)"
        pins[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return pins, others


def test_requirements_hold_the_runtime_only_and_the_dev_file_adds_the_tools():
    runtime, runtime_others = requirements("requirements.txt")
    dev, dev_others = requirements("requirements-dev.txt")

    assert runtime_others == []
    assert {"django", "gunicorn", "psycopg", "django-two-factor-auth"} <= set(runtime)
    assert not set(runtime) & DEV_ONLY
    assert not any(name.startswith(("pytest", "mutmut", "ruff", "playwright")) for name in runtime)
    assert dev_others == ["-r requirements.txt"]
    assert set(dev) == DEV_ONLY - {"datasette"}  # Datasette: its own environment (benchmarks/run.py)
    assert not set(dev) & set(runtime)


def make_dry_run(*arguments):
    """The commands `make -n -B` would run (nothing runs), or a skip without make."""
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    # No HOST, PORT or ALLOWED_HOSTS from the environment the tests run in.
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin"}
    return subprocess.run(
        [make, "-n", "-B", *arguments], cwd=ROOT, capture_output=True, text=True, check=True, env=environment
    ).stdout


def test_make_demo_serves_and_prints_the_address_asked_for_and_installs_the_runtime_only():
    commands = make_dry_run("demo", "HOST=0.0.0.0", "PORT=8123")

    assert 'runserver "0.0.0.0:8123"' in commands
    assert 'create_demo_accounts --host "0.0.0.0" --port "8123"\n' in commands
    assert "-r requirements.txt" in commands and "requirements-dev.txt" not in commands
    assert "ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost}" in commands

    commands = make_dry_run("demo", "HOST=192.0.2.10", "RESET_ACCOUNTS=1")

    assert 'create_demo_accounts --host "192.0.2.10" --port "8000" --reset' in commands
    assert 'runserver "192.0.2.10:8000"' in commands
    assert "ALLOWED_HOSTS=${ALLOWED_HOSTS:-127.0.0.1,localhost,192.0.2.10}" in commands


@pytest.mark.parametrize("target", ["test", "test-fast", "lint", "format", "mutation", "bench"])
def test_the_tools_targets_install_the_dev_requirements(target):
    assert "-r requirements-dev.txt" in make_dry_run(target)
