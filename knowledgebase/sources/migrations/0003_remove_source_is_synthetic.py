"""Drop the is_synthetic marking: the load-test app records which rows are synthetic, in a table of its own
(loadtest.SyntheticIdRange), so the product's tables carry nothing of load tests."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_use_https_url_fields"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="source",
            name="is_synthetic",
        ),
    ]
