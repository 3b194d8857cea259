from django.db import migrations

from jiliang.instruments.catalogue import fixture_rows


def load_catalogue(apps, schema_editor):
    CatalogueItem = apps.get_model("instruments", "CatalogueItem")
    for row in fixture_rows():
        CatalogueItem.objects.get_or_create(
            item=row["item"], category=row["category"],
            defaults={k: v for k, v in row.items() if k not in ("item", "category")},
        )


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]

    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
