"""Schema of the workspace part "risks" (models_risks.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0006_portfolio")]

    operations: list = []
