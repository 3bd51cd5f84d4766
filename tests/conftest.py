"""Shared fixtures: users in each editorial group, the demo content, a published event."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command

from knowledgebase.core.content_version import clear_memo
from knowledgebase.core.workflow_groups import EDITOR, REVIEWER


@pytest.fixture(scope="module")
def demo_once(django_db_setup, django_db_blocker):
    """The demo content, loaded once for a test module that asks for it, and rolled back after it."""
    from tests import factories

    with factories.demo_for_module(django_db_blocker):
        yield


@pytest.fixture
def seeded(demo_once, db):
    """The demo content, loaded once for the module; each test runs in a savepoint of its own."""


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache: the database rolls back, the cache would not."""
    cache.clear()
    clear_memo()
    yield
    cache.clear()
    clear_memo()


def make_staff(django_user_model, username, group_name):
    user = django_user_model.objects.create_user(username=username, password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db, django_user_model):
    return make_staff(django_user_model, "ed", EDITOR)


@pytest.fixture
def reviewer(db, django_user_model):
    return make_staff(django_user_model, "rev", REVIEWER)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def demo(db):
    """The seed's content, loaded as `make demo` loads it."""
    call_command("load_demo", verbosity=0)


# Public identifiers of seed events, as in fixtures/demo.json.
JAN_2024_EXCHANGE = "74pfk83e"
SEP_2022_EXCHANGE = "y40ynjwb"
SUMMER_2023_FREEZE = "mvjd1khg"
DRAFT_EVENT = "tssk98te"
