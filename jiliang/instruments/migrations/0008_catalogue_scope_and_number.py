"""The catalogue's 序号 and 强制检定的范围 (the purposes an item is mandatory for), and the
shipped rows brought in: existing rows are updated in place, so instruments keep theirs."""

from django.db import migrations, models

from jiliang.instruments.catalogue import load_fixture


def load_catalogue(apps, schema_editor):
    load_fixture(apps.get_model("instruments", "CatalogueItem"))


class Migration(migrations.Migration):
    dependencies = [("instruments", "0007_ledgers_as_kept")]

    operations = [
        migrations.AddField(
            model_name="catalogueitem",
            name="number",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="序号 of the item in the official table",
                null=True,
                verbose_name="number",
            ),
        ),
        migrations.AddField(
            model_name="catalogueitem",
            name="scope_purposes",
            field=models.CharField(
                blank=True,
                help_text=(
                    "强制检定的范围: the purposes for which the item is mandatory, separated by "
                    "spaces; blank for all four."
                ),
                max_length=64,
                verbose_name="mandatory for",
            ),
        ),
        migrations.AlterField(
            model_name="catalogueitem",
            name="source",
            field=models.CharField(blank=True, max_length=500, verbose_name="source"),
        ),
        migrations.RunPython(load_catalogue, migrations.RunPython.noop),
    ]
