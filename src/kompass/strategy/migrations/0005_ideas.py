"""Schema of the workspace part "ideas" (models_ideas.py). Only its owner adds operations here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("strategy", "0004_worksheets")]

    operations: list = []
