"""Drop the is_synthetic marking: the load-test app records which rows are synthetic, in a table of its own
(loadtest.SyntheticIdRange), so the product's tables carry nothing of load tests."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_index_event_countries_by_country"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="event",
            name="is_synthetic",
        ),
        migrations.RemoveField(
            model_name="historicalevent",
            name="is_synthetic",
        ),
    ]
