"""The indicators the needs app's service teams and visits count (reference.COUNTERS, each
counter named as its indicator): set on databases whose indicators were created before those
counters existed, where still blank."""

from django.db import migrations

CODES = ("service_teams", "enterprises_visited", "technical_services", "promo_materials")


def wire(apps, schema_editor):
    Indicator = apps.get_model("campaigns", "Indicator")
    for code in CODES:
        Indicator.objects.filter(code=code, counter="").update(counter=code)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0005_chase")]

    operations = [migrations.RunPython(wire, migrations.RunPython.noop)]
