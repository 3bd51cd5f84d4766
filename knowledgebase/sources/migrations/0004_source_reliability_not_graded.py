"""A source nobody has assessed yet is "not graded" (an empty grade), no longer F.

Until now the field defaulted to F and its help told editors to "use F until the source has been
assessed", so an F recorded under that rule says "not assessed", not "assessed, and its reliability
cannot be judged": pages showed it as "reliability F", which reads as a failing mark. Existing F grades
become "not graded"; a reviewer who did judge a source F sets it again. Reversed, "not graded" is F again.
"""

from django.db import migrations, models


def f_to_not_graded(apps, schema_editor):
    apps.get_model("sources", "Source").objects.filter(reliability="F").update(reliability="")


def not_graded_to_f(apps, schema_editor):
    apps.get_model("sources", "Source").objects.filter(reliability="").update(reliability="F")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_remove_source_is_synthetic"),
    ]

    operations = [
        migrations.AlterField(
            model_name="source",
            name="reliability",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "not graded"),
                    ("A", "A: completely reliable"),
                    ("B", "B: usually reliable"),
                    ("C", "C: fairly reliable"),
                    ("D", "D: not usually reliable"),
                    ("E", "E: unreliable"),
                    ("F", "F: reliability cannot be judged"),
                ],
                default="",
                help_text=(
                    "Admiralty scale, A to F. Leave it not graded until the source has been assessed; F means it "
                    "was assessed and its reliability cannot be judged."
                ),
                max_length=1,
                verbose_name="reliability",
            ),
        ),
        migrations.RunPython(f_to_not_graded, not_graded_to_f),
    ]
