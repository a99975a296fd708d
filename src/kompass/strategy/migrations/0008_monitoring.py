"""Schema of the workspace part "monitoring" (models_monitoring.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0007_risks")]

    operations: list = []
