"""Create the Editor and Reviewer groups with their permissions."""

from django.db import migrations

from knowledgebase.core.workflow_groups import EDITOR, REVIEWER, sync_workflow_groups


def create_groups(apps, schema_editor):
    sync_workflow_groups(apps)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[EDITOR, REVIEWER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_load_iso_countries"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("actors", "0001_initial"),
        ("sources", "0001_initial"),
        ("events", "0001_initial"),
        ("ihl", "0001_initial"),
        ("displacement", "0001_initial"),
        ("briefs", "0001_initial"),
    ]
    operations = [migrations.RunPython(create_groups, delete_groups)]
