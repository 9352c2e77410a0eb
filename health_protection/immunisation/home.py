"""This app's entries on each role's home page: work links, and what is waiting (accounts.home)."""

from django.utils import timezone

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from organisations.roles import Role

from . import selectors

OH: list[str] = [Role.CLINICIAN, Role.OH_ADMIN]

register_work(
    [Role.VACCINATOR.value, *OH],
    WorkLink("Vaccination campaigns", "Flu and COVID-19 campaigns, their clinics and uptake", "immunisation:campaigns"),
)
register_work(
    OH,
    WorkLink(
        "Staff immunisations", "Each member of staff's immunisation record, and what is due", "immunisation:staff"
    ),
)
register_work([Role.EMPLOYEE.value], WorkLink("My immunisations", "Your immunisation record", "immunisation:my_record"))

register_waiting(
    OH,
    WaitingWork(
        "immunisation due or overdue",
        "immunisations due or overdue",
        "immunisation:due",
        count=lambda user: selectors.due_list(user=user, by_day=timezone.localdate()).count(),
    ),
)
