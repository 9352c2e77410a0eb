from django.apps import AppConfig


class MaturityConfig(AppConfig):
    name = "commissioning.maturity"
    label = "maturity"
    verbose_name = "Service maturity"

    def ready(self) -> None:
        from . import home  # noqa: F401
