from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Clinics and bookings"

    def ready(self) -> None:
        from referrals.events import appointment_changed

        from . import home, tasks  # noqa: F401  # work links; tasks registered so beat can start them by name
        from .services import follow_appointment

        # Every appointment of a clinician who works from a diary takes its time there, however it was booked.
        appointment_changed.connect(follow_appointment, dispatch_uid="clinics.follow_appointment")
