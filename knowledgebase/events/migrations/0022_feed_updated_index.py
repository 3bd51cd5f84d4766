"""Published events by their latest change, newest first: the events feed's order and the sitemap's latest
change (Max of updated_at), which read every published event without it (1.1 s and 1.4 s at a million)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_theme_help_texts"),
        ("events", "0021_event_export_cells"),
        ("sources", "0006_add_editor_help_texts"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(fields=["status", "-updated_at", "-id"], name="event_status_updated_idx"),
        ),
    ]
