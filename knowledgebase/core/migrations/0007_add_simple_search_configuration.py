"""PostgreSQL only: the ``kb_simple`` text-search configuration, for text in languages PostgreSQL cannot stem
(Ukrainian among them): the ``simple`` configuration (words as written, lower-cased), with ``unaccent`` first
where the extension can be had ("Médecins" is found as "medecins").

The configuration always exists once this has run, so searches never depend on the extension: without it
(a server that lacks the contrib package, or a role that may not create it) ``kb_simple`` is ``simple``
alone. ``unaccent`` leaves the Ukrainian letters (ї, й, є, ґ) as they are.
"""

from django.db import DatabaseError, migrations, transaction

CONFIG = "kb_simple"


def _config_exists(cursor):
    cursor.execute(
        "SELECT 1 FROM pg_ts_config WHERE cfgname = %s AND cfgnamespace = current_schema()::regnamespace", [CONFIG]
    )
    return cursor.fetchone() is not None


def create_configuration(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        dictionaries = "unaccent, simple"
    except DatabaseError:
        dictionaries = "simple"
    with connection.cursor() as cursor:
        if _config_exists(cursor):
            return
    schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)")
    schema_editor.execute(
        f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR hword, hword_part, word WITH {dictionaries}"
    )


def drop_configuration(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")


class Migration(migrations.Migration):
    dependencies = [("core", "0006_copy_content_into_english")]
    operations = [migrations.RunPython(create_configuration, drop_configuration)]
