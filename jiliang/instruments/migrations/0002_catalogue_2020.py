from django.db import migrations

from jiliang.instruments.catalogue import load_fixture


def load_catalogue(apps, schema_editor):
    load_fixture(apps.get_model("instruments", "CatalogueItem"))


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
