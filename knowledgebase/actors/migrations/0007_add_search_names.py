"""The names actors and organisations are searched by, case-folded in Python one a line (``search_names``:
SQLite's LIKE folds ASCII only, so "лубінець" would never match "Лубінець"), filled for the rows there are:
an actor's name in every language and its aliases, an organisation's name in every language and acronym."""

from collections import defaultdict

from django.db import migrations, models

BATCH = 500


def folded_names(*names):
    # knowledgebase.actors.models.folded_names, frozen here as migrations must be.
    folded = (" ".join(str(name).split()).casefold() for name in names if name)
    return "\n".join(dict.fromkeys(name for name in folded if name))


def fill(apps, schema_editor):
    actor_model = apps.get_model("actors", "Actor")
    organization_model = apps.get_model("actors", "Organization")
    aliases = defaultdict(list)
    for actor_id, name in (
        apps.get_model("actors", "ActorAlias").objects.order_by("name").values_list("actor_id", "name")
    ):
        aliases[actor_id].append(name)
    actors = [
        actor_model(pk=pk, search_names=folded_names(english, ukrainian, *aliases[pk]))
        for pk, english, ukrainian in actor_model.objects.values_list("pk", "name_en", "name_uk")
    ]
    actor_model.objects.bulk_update(actors, ["search_names"], batch_size=BATCH)
    organizations = [
        organization_model(pk=pk, search_names=folded_names(english, ukrainian, acronym))
        for pk, english, ukrainian, acronym in organization_model.objects.values_list(
            "pk", "name_en", "name_uk", "acronym"
        )
    ]
    organization_model.objects.bulk_update(organizations, ["search_names"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("actors", "0006_copy_content_into_english"),
    ]

    operations = [
        migrations.AddField(
            model_name="actor",
            name="search_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="organization",
            name="search_names",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
