"""The shipped catalogue rows were loaded here; 0008_catalogue_scope_and_number loads them now,
with the fields this migration's model does not have yet (and longer sources than it allows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial")]

    operations = []
