"""Drop the is_synthetic marking: the load-test app records which rows are synthetic, in a table of its own
(loadtest.SyntheticIdRange), so the product's tables carry nothing of load tests."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("displacement", "0004_order_statistics_newest_first"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="displacementstatistic",
            name="is_synthetic",
        ),
        migrations.RemoveField(
            model_name="historicaldisplacementstatistic",
            name="is_synthetic",
        ),
    ]
