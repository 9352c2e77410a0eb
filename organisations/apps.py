from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"

    def ready(self) -> None:
        from . import home  # noqa: F401
