from django.apps import AppConfig


class InjuriesConfig(AppConfig):
    name = "health_protection.injuries"
    label = "injuries"
    verbose_name = "Inoculation injuries"

    def ready(self) -> None:
        from . import home, records  # noqa: F401
