"""The indicators counted from submitted survey responses and from problems confirmed solved
(reference.COUNTERS): set on databases whose indicators were created before those counters
existed, where still blank."""

from django.db import migrations

CODES = ("questionnaires", "problems_solved")


def wire(apps, schema_editor):
    Indicator = apps.get_model("campaigns", "Indicator")
    for code in CODES:
        Indicator.objects.filter(code=code, counter="").update(counter=code)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0006_fieldwork_counters")]

    operations = [migrations.RunPython(wire, migrations.RunPython.noop)]
