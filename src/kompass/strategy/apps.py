from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "kompass.strategy"
    label = "strategy"
    verbose_name = "Strategie-Arbeitsraum"
