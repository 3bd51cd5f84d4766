"""The downloads' cells of several values on each event's row (``Event.export_*``): country codes, theme
slugs, cited sources' titles, actors and organisations with their roles, '; '-joined in the order of their
rows, as the export wrote them from the relations. Filled here from the relations: on PostgreSQL in one
statement, elsewhere row by row."""

from collections import defaultdict

from django.conf import settings
from django.db import migrations, models

SEPARATOR = "; "
FIELDS = ("export_countries", "export_themes", "export_sources", "export_actors", "export_organizations")


def _other_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE]


def _translated_sql(languages):
    """The ``export_translated`` object: per language, the names that differ from the English ones."""
    if not languages:
        return "'{}'::jsonb"
    parts = []
    for language in languages:
        entries = ", ".join(
            f"'{kind}', CASE WHEN p.{kind}_{language} IS DISTINCT FROM p.{kind} THEN COALESCE(p.{kind}_{language}, '') END"
            for kind in ("actors", "organizations")
        )
        parts.append(f"'{language}', NULLIF(jsonb_strip_nulls(jsonb_build_object({entries})), '{{}}'::jsonb)")
    return f"COALESCE(jsonb_strip_nulls(jsonb_build_object({', '.join(parts)})), '{{}}'::jsonb)"


def _fill_postgresql(schema_editor):
    languages = _other_languages()
    names = []
    for language in languages:
        for kind, table, column in (("actors", "a", "actor_id"), ("organizations", "o", "organization_id")):
            names.append(
                f"string_agg(COALESCE(NULLIF({table}.name_{language}, ''), {table}.name) || ' (' || p.role || ')', "
                f"'{SEPARATOR}' ORDER BY p.id) FILTER (WHERE p.{column} IS NOT NULL) AS {kind}_{language}"
            )
    translated = "".join(f", {name}" for name in names)
    schema_editor.execute(
        f"""
        WITH c AS (
            SELECT event_id, string_agg(country_id, '{SEPARATOR}' ORDER BY id) AS v
            FROM events_event_countries GROUP BY event_id
        ), t AS (
            SELECT et.event_id, string_agg(th.slug, '{SEPARATOR}' ORDER BY et.id) AS v
            FROM events_event_themes et JOIN core_theme th ON th.id = et.theme_id GROUP BY et.event_id
        ), s AS (
            SELECT ci.event_id, string_agg(so.title, '{SEPARATOR}' ORDER BY ci.id) AS v
            FROM events_citation ci JOIN sources_source so ON so.id = ci.source_id GROUP BY ci.event_id
        ), p AS (
            SELECT p.event_id,
                string_agg(a.name || ' (' || p.role || ')', '{SEPARATOR}' ORDER BY p.id)
                    FILTER (WHERE p.actor_id IS NOT NULL) AS actors,
                string_agg(o.name || ' (' || p.role || ')', '{SEPARATOR}' ORDER BY p.id)
                    FILTER (WHERE p.organization_id IS NOT NULL) AS organizations{translated}
            FROM events_participation p
            LEFT JOIN actors_actor a ON a.id = p.actor_id
            LEFT JOIN actors_organization o ON o.id = p.organization_id
            GROUP BY p.event_id
        ), ids AS (
            SELECT event_id FROM c UNION SELECT event_id FROM t UNION SELECT event_id FROM s
            UNION SELECT event_id FROM p
        )
        UPDATE events_event e SET
            export_countries = COALESCE(c.v, ''),
            export_themes = COALESCE(t.v, ''),
            export_sources = COALESCE(s.v, ''),
            export_actors = COALESCE(p.actors, ''),
            export_organizations = COALESCE(p.organizations, ''),
            export_translated = {_translated_sql(languages)}
        FROM ids
        LEFT JOIN c ON c.event_id = ids.event_id
        LEFT JOIN t ON t.event_id = ids.event_id
        LEFT JOIN s ON s.event_id = ids.event_id
        LEFT JOIN p ON p.event_id = ids.event_id
        WHERE e.id = ids.event_id
        """  # noqa: S608 - fixed SQL; the languages are the site's settings
    )


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _fill_postgresql(schema_editor)
        return
    event_model = apps.get_model("events", "Event")
    lists = defaultdict(lambda: defaultdict(list))
    languages = _other_languages()
    for event_id, code in event_model.countries.through.objects.order_by("pk").values_list("event_id", "country_id"):
        lists[event_id]["export_countries"].append(code)
    for event_id, slug in event_model.themes.through.objects.order_by("pk").values_list("event_id", "theme__slug"):
        lists[event_id]["export_themes"].append(slug)
    citations = apps.get_model("events", "Citation").objects.order_by("pk")
    for event_id, title in citations.values_list("event_id", "source__title"):
        lists[event_id]["export_sources"].append(title)
    for participation in (
        apps.get_model("events", "Participation").objects.order_by("pk").select_related("actor", "organization")
    ):
        kind = "actors" if participation.actor_id is not None else "organizations"
        participant = participation.actor if participation.actor_id is not None else participation.organization
        role = participation.role
        lists[participation.event_id][f"export_{kind}"].append(f"{participant.name} ({role})")
        for language in languages:
            name = getattr(participant, f"name_{language}", None) or participant.name
            lists[participation.event_id][(language, kind)].append(f"{name} ({role})")
    for event_id, found in lists.items():
        values = {field: SEPARATOR.join(found.get(field, ())) for field in FIELDS}
        translated = {}
        for language in languages:
            for kind in ("actors", "organizations"):
                text = SEPARATOR.join(found.get((language, kind), ()))
                if text != values[f"export_{kind}"]:
                    translated.setdefault(language, {})[kind] = text
        event_model.objects.filter(pk=event_id).update(**values, export_translated=translated)


class Migration(migrations.Migration):
    dependencies = [("events", "0020_tracker_speed")]

    operations = [
        migrations.AddField(
            model_name="event",
            name="export_actors",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="export_countries",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="export_organizations",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="export_sources",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="export_themes",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="export_translated",
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
