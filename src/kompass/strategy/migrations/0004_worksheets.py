"""Schema of the workspace part "worksheets" (models_worksheets.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0003_fields_and_projects")]

    operations: list = []
