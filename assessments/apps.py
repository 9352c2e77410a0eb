from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Pre-employment health assessments"

    def ready(self) -> None:
        from . import home, records  # noqa: F401
