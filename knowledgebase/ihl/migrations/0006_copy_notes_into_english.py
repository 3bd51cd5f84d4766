"""Copy allegations' notes, as they stood before translation, into their English column."""

from django.db import migrations

from knowledgebase.core.translation_migrations import copy_into_default_language


class Migration(migrations.Migration):
    dependencies = [("ihl", "0005_add_note_translations")]

    operations = [
        migrations.RunPython(
            copy_into_default_language("ihl", {"allegation": ["note"]}),
            migrations.RunPython.noop,
        )
    ]
