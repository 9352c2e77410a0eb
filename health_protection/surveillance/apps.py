from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "health_protection.surveillance"
    label = "surveillance"
    verbose_name = "Health surveillance"

    def ready(self) -> None:
        from . import home, records  # noqa: F401
