"""A backup is only as good as its restore: dump the database as docs/deploy.md says, restore it into a
fresh database, and find every record and every revision there.

PostgreSQL only: the dump and restore are PostgreSQL's own tools, on their own connections, so the test
is transactional (``pg_dump`` sees committed rows only). The SQLite demo is backed up with sqlite3's
``.backup`` (see docs/deploy.md).
"""

import secrets
import shutil
import subprocess
from urllib.parse import urlsplit

import psycopg
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from psycopg import sql

from knowledgebase.actors.models import Actor
from knowledgebase.briefs.models import Brief
from knowledgebase.core.countries import load_iso_countries
from knowledgebase.core.models import Country, PublicationStatus
from knowledgebase.core.services import publishable_publish
from knowledgebase.core.workflow_groups import REVIEWER, sync_workflow_groups
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event, Figure
from knowledgebase.sources.models import Source
from tests.conftest import DRAFT_EVENT, JAN_2024_EXCHANGE, make_staff
from tests.deploy.conftest import database_url, on_postgresql

# The tools on PATH, as docs/deploy.md runs them (Debian's wrapper picks the newest installed version).
PG_DUMP, PG_RESTORE = shutil.which("pg_dump"), shutil.which("pg_restore")

pytestmark = [
    pytest.mark.skipif(
        not on_postgresql,
        reason="pg_dump backs up PostgreSQL; the SQLite demo is copied with sqlite3 '.backup' (docs/deploy.md)",
    ),
    pytest.mark.skipif(not (PG_DUMP and PG_RESTORE), reason="needs PostgreSQL's client tools (pg_dump, pg_restore)"),
]

CORRECTED_FIGURE = "jcxe5wv5"  # 173 people returned, say unnamed Russian sources
CORRECTION_NOTE = "Source re-read"
RECORDS = [Event, Figure, DisplacementStatistic, Brief, Actor, Source]


def run(command):
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    assert finished.returncode == 0, f"{command[0]} failed: {finished.stderr}"


def dump(url, path):
    """The daily backup of docs/deploy.md."""
    run([PG_DUMP, "--format=custom", f"--file={path}", url])


def restore(path, url):
    """The restore of docs/deploy.md, into an empty database."""
    run([PG_RESTORE, "--no-owner", "--exit-on-error", f"--dbname={url}", str(path)])


@pytest.fixture
def content_with_history(transactional_db, django_user_model):
    """The demo, committed, with revisions after its baseline: a draft published, a figure corrected
    with a public note, a statistic corrected."""
    load_iso_countries(Country)
    sync_workflow_groups(django_apps)
    call_command("load_demo", verbosity=0)
    reviewer = make_staff(django_user_model, "rev", REVIEWER)
    publishable_publish(obj=Event.objects.get(public_id=DRAFT_EVENT), by=reviewer)
    figure = Figure.objects.get(public_id=CORRECTED_FIGURE)
    figure.value = 174
    figure._change_reason = CORRECTION_NOTE
    figure.save()
    statistic = DisplacementStatistic.objects.published().order_by("public_id").first()
    statistic.value += 1
    statistic.save()


@pytest.fixture
def fresh_database():
    """The URL of a new, empty database with a name of its own, dropped at the end whatever happens."""
    source = urlsplit(database_url())
    name = f"kb_restore_test_{secrets.token_hex(4)}"
    maintenance = source._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield source._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def rows(connection, table, order_by):
    query = sql.SQL("SELECT * FROM {} ORDER BY {}").format(sql.Identifier(table), sql.Identifier(order_by))
    return connection.execute(query).fetchall()


def history_tables(connection):
    return [
        name
        for (name,) in connection.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' AND table_name LIKE '%historical%' ORDER BY table_name"
        )
    ]


def row_counts(connection):
    tables = connection.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        "AND table_type = 'BASE TABLE' ORDER BY table_name"
    ).fetchall()
    return {
        name: connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()[0]
        for (name,) in tables
    }


def sequences(connection):
    return connection.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename").fetchall()


def test_a_dump_restored_into_a_fresh_database_has_every_record_and_every_revision(
    content_with_history, fresh_database, tmp_path
):
    backup = tmp_path / "knowledgebase.dump"

    dump(database_url(), backup)
    restore(backup, fresh_database)

    with psycopg.connect(database_url()) as source, psycopg.connect(fresh_database) as restored:
        for model in RECORDS:
            table = model._meta.db_table
            assert rows(restored, table, "id") == rows(source, table, "id"), table
        histories = history_tables(source)
        assert {model.history.model._meta.db_table for model in (Event, Figure, DisplacementStatistic, Brief)} <= set(
            histories
        )
        for table in histories:
            assert rows(restored, table, "history_id") == rows(source, table, "history_id"), table
        assert row_counts(restored) == row_counts(source)
        # New rows after a switch-over must not collide with restored ids.
        assert sequences(restored) == sequences(source)

        # Not vacuous: the published records and the revisions made after loading are among them.
        published = restored.execute(
            "SELECT public_id FROM events_event WHERE status = %s", [PublicationStatus.PUBLISHED]
        ).fetchall()
        assert {(JAN_2024_EXCHANGE,), (DRAFT_EVENT,)} <= set(published)
        assert restored.execute(
            f"SELECT value FROM {Figure._meta.db_table} WHERE public_id = %s",  # noqa: S608 - a model's table name
            [CORRECTED_FIGURE],
        ).fetchone() == (174,)
        assert restored.execute(
            f"SELECT count(*) FROM {Figure.history.model._meta.db_table} "  # noqa: S608 - a model's table name
            "WHERE public_id = %s AND history_change_reason = %s",
            [CORRECTED_FIGURE, CORRECTION_NOTE],
        ).fetchone() == (1,)
