"""This app's entries on each role's home page (accounts.home)."""

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from organisations.roles import Role

from . import selectors

register_work(
    [Role.IG_LEAD, Role.OH_ADMIN],
    WorkLink("Import absence from ESR", "Load the ESR absence extract", "proactive:absence_import"),
)
register_work(
    [Role.MANAGER],
    WorkLink(
        "Consider a referral",
        "Your staff whose recorded absence suggests occupational health could help",
        "proactive:consider",
    ),
)
register_work(
    [Role.BOARD],
    WorkLink(
        "Proactive support",
        "Referrals suggested to line managers from absence records, and taken up",
        "proactive:board",
    ),
)
register_waiting(
    [Role.MANAGER],
    WaitingWork(
        "member of your staff to consider for a referral",
        "members of your staff to consider for a referral",
        "proactive:consider",
        count=lambda user: selectors.to_consider(user=user).count(),
    ),
)
