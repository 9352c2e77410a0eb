"""This app's entries on each role's home page (accounts.home): work links, and what is waiting. An injury waiting
for its risk assessment is flagged urgent and listed first: post-exposure prophylaxis works best within the hour."""

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from organisations.roles import Role

from . import selectors

register_work(
    [Role.EMPLOYEE],
    WorkLink(
        "Report a needlestick, splash or bite",
        "Report it straight away, the same day: occupational health will call you",
        "injuries:report",
    ),
)
register_work([Role.EMPLOYEE], WorkLink("My injuries", "Injuries you reported and your follow-up", "injuries:list"))
register_work(
    [Role.MANAGER],
    WorkLink("Staff injuries", "Inoculation injuries to your staff and their follow-up plan", "injuries:list"),
)
register_work(
    [Role.OH_ADMIN, Role.CLINICIAN],
    WorkLink(
        "Inoculation injuries",
        "Sharps, splash and bite injuries: assess, follow up, chase; record one phoned in",
        "injuries:list",
    ),
)

register_waiting(
    [Role.CLINICIAN, Role.OH_ADMIN],
    WaitingWork(
        "inoculation injury waiting for its risk assessment",
        "inoculation injuries waiting for their risk assessment",
        "injuries:list",
        count=lambda user: selectors.awaiting_assessment(user=user).count(),
        urgent=True,
    ),
)
register_waiting(
    [Role.OH_ADMIN],
    WaitingWork(
        "follow-up blood test to book",
        "follow-up blood tests to book",
        "injuries:list",
        count=lambda user: selectors.blood_tests_to_book(user=user).count(),
    ),
)
register_waiting(
    [Role.CLINICIAN],
    WaitingWork(
        "follow-up blood test with its result to record",
        "follow-up blood tests with their results to record",
        "injuries:list",
        count=lambda user: selectors.results_to_record(user=user).count(),
    ),
)
