from django.apps import AppConfig


class ImmunisationConfig(AppConfig):
    name = "health_protection.immunisation"
    label = "immunisation"
    verbose_name = "Staff immunisation and seasonal campaigns"

    def ready(self) -> None:
        from . import home, records  # noqa: F401
