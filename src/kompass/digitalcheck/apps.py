from django.apps import AppConfig


class DigitalcheckConfig(AppConfig):
    name = "kompass.digitalcheck"
    label = "digitalcheck"
    verbose_name = "Digitalcheck"
