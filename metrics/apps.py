from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from suppliers.selectors import measure_levels_from_cases

        from . import home, tasks  # noqa: F401  # work links; tasks registered, so services can start them by name
        from .service_levels import level_from_cases

        measure_levels_from_cases(level_from_cases)
