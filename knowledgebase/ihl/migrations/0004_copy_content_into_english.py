"""Copy the ihl app's content, as it stood before translation, into its English columns."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("ihl", "0003_add_content_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language(
                "ihl",
                {"instrument": ["name", "short_name"], "provision": ["title", "summary"]},
            ),
            migrations.RunPython.noop,
        )
    ]
