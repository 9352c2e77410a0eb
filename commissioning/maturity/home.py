"""This app's entries on each role's home page (accounts.home): the service's own assessors, the clients who read
its assessments, and the framework admins who comment. Which rows each then sees is `visible_to`; what each may do
to one is `rules.allowed_actions`."""

from accounts.home import WorkLink, register_work
from organisations.roles import Role

from .models import AUTHOR_ROLES

register_work(
    sorted(AUTHOR_ROLES),
    WorkLink(
        "Service maturity",
        "Assess your service against the NHS OHWB service framework, domain by domain, with evidence",
        "maturity:list",
    ),
)
register_work(
    [Role.BOARD, Role.PROCUREMENT],
    WorkLink(
        "Service maturity",
        "The levels your OH services have assessed themselves at, and how they have changed",
        "maturity:list",
    ),
)
register_work(
    [Role.FRAMEWORK_ADMIN],
    WorkLink(
        "Service maturity",
        "Services' submitted self-assessments against the OHWB service framework, to read and comment on",
        "maturity:list",
    ),
)
