"""The demo boards' wellbeing improvement plans (seed_demo); runs once.

Trust 1's board agreed its plan eight months ago and has updated it since, so each action has a history: one done,
two on track, one at risk and one overdue. Trust 2's and the ICS's plans are shorter, so the ICS board sees its
members' plans beside its own."""

from __future__ import annotations

from datetime import timedelta

from organisations.demo import DemoWorld, at

from . import services
from .models import ActionStatus, PlanAction

# (action, owner, due in days from today, [(days ago, status, progress), ...]): the first update is the agreement.
PLANS = {
    "board": [
        (
            "Offer every line manager training in wellbeing conversations",
            "Director of people",
            60,
            [
                (240, ActionStatus.NOT_STARTED, ""),
                (150, ActionStatus.ON_TRACK, "Course chosen with the staff side; the first 40 managers are booked."),
                (30, ActionStatus.ON_TRACK, "212 of 380 managers trained; the rest booked by the end of the quarter."),
            ],
        ),
        (
            "Name a wellbeing guardian on the board",
            "Chair",
            -150,
            [
                (240, ActionStatus.NOT_STARTED, ""),
                (170, ActionStatus.DONE, "A non-executive director was appointed guardian at the September board."),
            ],
        ),
        (
            "Cut the wait for a first occupational health appointment to 10 working days",
            "Head of occupational health",
            120,
            [
                (240, ActionStatus.NOT_STARTED, ""),
                (90, ActionStatus.AT_RISK, "Two nurse vacancies; a supplier call-off for overflow is being signed."),
            ],
        ),
        (
            "Fast-track physiotherapy for staff absent with back and neck problems",
            "Head of therapies",
            -20,
            [
                (200, ActionStatus.NOT_STARTED, ""),
                (100, ActionStatus.ON_TRACK, "Self-referral route agreed; waiting for the booking pathway."),
            ],
        ),
        (
            "Rest spaces with hot food on every site at night",
            "Director of estates",
            200,
            [(60, ActionStatus.NOT_STARTED, "")],
        ),
    ],
    "board2": [
        (
            "Menopause support clinic for staff, with a named lead in each division",
            "Chief nurse",
            90,
            [(180, ActionStatus.NOT_STARTED, ""), (45, ActionStatus.ON_TRACK, "Clinic opens next month.")],
        ),
        (
            "Review the attendance policy with the staff side",
            "Director of people",
            30,
            [(120, ActionStatus.NOT_STARTED, "")],
        ),
    ],
    "board_ics": [
        (
            "One occupational health offer across the system's trusts and practices",
            "ICS chief people officer",
            300,
            [(200, ActionStatus.NOT_STARTED, ""), (40, ActionStatus.ON_TRACK, "Options paper to the March board.")],
        ),
    ],
}


def seed(world: DemoWorld) -> None:
    if PlanAction.objects.exists():
        return
    for username, actions in PLANS.items():
        board = world.users[username]
        for text, owner, due_in_days, updates in actions:
            (first_ago, status, progress), *later = updates
            agreed = at(world.today - timedelta(days=first_ago), 10)
            if not world.when(agreed):
                continue
            plan_action = services.add_action(
                by=board,
                action=text,
                owner=owner,
                due_on=world.today + timedelta(days=due_in_days),
                status=status,
                progress=progress,
            )
            for days_ago, status, progress in later:
                if world.when(at(world.today - timedelta(days=days_ago), 16)):
                    services.update_action(by=board, plan_action=plan_action, status=status, progress=progress)
