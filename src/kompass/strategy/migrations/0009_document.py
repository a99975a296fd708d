"""Schema of the workspace part "document" (models_document.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0008_monitoring")]

    operations: list = []
