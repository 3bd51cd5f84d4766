"""Copy the actors app's content, as it stood before translation, into its English columns."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("actors", "0005_add_content_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "actors",
                {"actor": ["name", "position", "description"], "organization": ["name", "description"]},
            ),
            migrations.RunPython.noop,
        )
    ]
