from django.apps import AppConfig


class AtlasConfig(AppConfig):
    name = "kompass.atlas"
    label = "atlas"
    verbose_name = "Smart-City-Atlas"

    def ready(self) -> None:
        from kompass.atlas import signals

        signals.connect()
