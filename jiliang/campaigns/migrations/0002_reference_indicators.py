from django.db import migrations

from jiliang.campaigns.reference import load_reference_indicators


def load(apps, schema_editor):
    load_reference_indicators(apps.get_model("campaigns", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
