from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self) -> None:
        from . import signals, tasks  # noqa: F401  # tasks registered, so services can start them by name
