from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Access log"

    def ready(self) -> None:
        from . import home  # noqa: F401
