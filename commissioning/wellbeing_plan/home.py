"""This app's entry on the board's home page (accounts.home)."""

from accounts.home import WorkLink, register_work
from organisations.roles import Role

register_work(
    [Role.BOARD],
    WorkLink(
        "Wellbeing improvement plan",
        "The board's actions for staff health and wellbeing: owners, due dates and progress",
        "wellbeing_plan:plan",
    ),
)
