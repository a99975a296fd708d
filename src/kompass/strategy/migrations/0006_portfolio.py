"""Schema of the workspace part "portfolio" (models_portfolio.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0005_ideas")]

    operations: list = []
