from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from referrals.events import case_closed
        from suppliers.selectors import count_activity_from_cases, measure_levels_from_cases

        from . import home, tasks  # noqa: F401  # work links; tasks registered, so services can start them by name
        from .call_off_activity import units_from_cases
        from .service_levels import level_from_cases
        from .services import send_survey_on_close

        measure_levels_from_cases(level_from_cases)
        count_activity_from_cases(units_from_cases)
        case_closed.connect(send_survey_on_close, dispatch_uid="metrics.survey_on_close")
