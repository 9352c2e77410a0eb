"""This app's entries on each role's home page: work links, and what is waiting (accounts.home)."""

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from organisations.roles import Role

from . import selectors

register_work(
    [Role.OH_ADMIN, Role.CLINICIAN],
    WorkLink(
        "Health surveillance",
        "Programmes, who is enrolled, and who is due or overdue",
        "surveillance:programmes",
    ),
)
register_work(
    [Role.OH_ADMIN, Role.CLINICIAN],
    WorkLink(
        "Surveillance worklist",
        "Answers back to review, and staff overdue for their check",
        "surveillance:worklist",
    ),
)
register_work(
    [Role.MANAGER],
    WorkLink(
        "Your staff's health surveillance",
        "Who is up to date, due or overdue, and the outcome of their last check",
        "surveillance:team",
    ),
)

register_waiting(
    [Role.CLINICIAN, Role.OH_ADMIN],
    WaitingWork(
        "surveillance questionnaire waiting for review",
        "surveillance questionnaires waiting for review",
        "surveillance:worklist",
        count=lambda user: selectors.review_queue(user=user).count(),
    ),
)
register_waiting(
    [Role.MANAGER],
    WaitingWork(
        "member of your staff overdue for health surveillance",
        "members of your staff overdue for health surveillance",
        "surveillance:team",
        count=lambda user: selectors.overdue(user=user).count(),
        query=lambda user: {"status": "overdue"},
    ),
)
