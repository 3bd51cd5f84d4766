"""The maps read the few events that have coordinates: a partial index finds them without reading every
event (at 100,000 events, the map of a selection otherwise scans the whole table)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0010_add_event_pin_and_quoted_account"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="event",
            index=models.Index(
                condition=models.Q(("latitude__isnull", False)),
                fields=["id", "latitude", "longitude"],
                name="event_located_idx",
            ),
        ),
    ]
