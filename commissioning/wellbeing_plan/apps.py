from django.apps import AppConfig


class WellbeingPlanConfig(AppConfig):
    name = "commissioning.wellbeing_plan"
    label = "wellbeing_plan"
    verbose_name = "Wellbeing improvement plan"

    def ready(self) -> None:
        from . import home  # noqa: F401
