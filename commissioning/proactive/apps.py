from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "commissioning.proactive"
    label = "proactive"
    verbose_name = "Proactive support from absence records"

    def ready(self) -> None:
        from . import home  # noqa: F401
