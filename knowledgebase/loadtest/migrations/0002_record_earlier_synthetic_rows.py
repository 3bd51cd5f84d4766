"""Record the synthetic rows made before this table existed, which an is_synthetic column marked then.

Those columns are gone (the product's own migrations drop them, whether or not this app is installed),
so the rows are recognised by what the generator has always written and nobody else writes: a slug
such as synthetic-actor-12 together with the matching name, or a public identifier such as
syne00000012 together with the event's slug. A database without such rows records nothing.
"""

from django.db import migrations

GENERATED = {
    ("events", "Event"): {"slug__regex": r"^synthetic-event-[0-9]+$", "public_id__regex": r"^syne[0-9]{8}$"},
    ("displacement", "DisplacementStatistic"): {
        "public_id__regex": r"^syns[0-9]{8}$",
        "title__regex": r"^Synthetic statistic [0-9]+$",
    },
    ("sources", "Source"): {"slug__regex": r"^synthetic-source-[0-9]+$", "title__regex": r"^Synthetic source [0-9]+$"},
    ("actors", "Actor"): {"slug__regex": r"^synthetic-actor-[0-9]+$", "name__regex": r"^Synthetic actor [0-9]+$"},
    ("actors", "Organization"): {
        "slug__regex": r"^synthetic-organisation-[0-9]+$",
        "name__regex": r"^Synthetic organisation [0-9]+$",
    },
}


def record_earlier_synthetic_rows(apps, schema_editor):
    SyntheticIdRange = apps.get_model("loadtest", "SyntheticIdRange")
    for (app_label, model_name), lookups in GENERATED.items():
        model = apps.get_model(app_label, model_name)
        runs = []
        for pk in model.objects.filter(**lookups).order_by("pk").values_list("pk", flat=True).iterator():
            if runs and pk == runs[-1][1] + 1:
                runs[-1][1] = pk
            else:
                runs.append([pk, pk])
        SyntheticIdRange.objects.bulk_create(
            SyntheticIdRange(model=model._meta.label_lower, first_id=first, last_id=last) for first, last in runs
        )


class Migration(migrations.Migration):
    dependencies = [
        ("loadtest", "0001_initial"),
        ("actors", "0004_remove_actor_organization_is_synthetic"),
        ("sources", "0003_remove_source_is_synthetic"),
        ("events", "0009_remove_event_is_synthetic"),
        ("displacement", "0005_remove_statistic_is_synthetic"),
    ]

    operations = [migrations.RunPython(record_earlier_synthetic_rows, migrations.RunPython.noop)]
