from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from . import tasks  # noqa: F401  # registered, so services can start them by name
