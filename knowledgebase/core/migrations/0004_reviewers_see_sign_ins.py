"""Reviewers see staff sign-ins and lockouts (django-axes) and may lift a lockout."""

from django.db import migrations

from knowledgebase.core.workflow_groups import sync_workflow_groups


def sync_groups(apps, schema_editor):
    sync_workflow_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_create_workflow_groups"),
        ("axes", "0010_accessattemptexpiration"),
    ]
    operations = [migrations.RunPython(sync_groups, migrations.RunPython.noop)]
