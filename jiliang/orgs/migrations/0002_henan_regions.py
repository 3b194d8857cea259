from django.db import migrations

from jiliang.orgs.reference import load_reference_regions


def load_regions(apps, schema_editor):
    load_reference_regions(apps.get_model("orgs", "Region"))


class Migration(migrations.Migration):
    dependencies = [("orgs", "0001_initial")]

    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
