"""This app's entries on each role's home page: work links, and what is waiting (accounts.home)."""

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from organisations.roles import Role

from . import selectors

register_work(
    [Role.RECRUITER],
    WorkLink("Start a pre-employment check", "Send a candidate the health questionnaire", "assessments:start"),
)
register_work(
    [Role.RECRUITER],
    WorkLink("Pre-employment checks", "Follow your checks and see clearance outcomes", "assessments:recruiter_list"),
)
register_work(
    [Role.CLINICIAN, Role.OH_ADMIN],
    WorkLink(
        "Pre-employment reviews", "Questionnaires waiting for clinical review, oldest first", "assessments:review_queue"
    ),
)

register_waiting(
    [Role.RECRUITER],
    WaitingWork(
        "check with a clearance outcome given in the last 7 days",
        "checks with a clearance outcome given in the last 7 days",
        "assessments:recruiter_list",
        count=lambda user: selectors.recent_outcomes(user=user).count(),
    ),
)
register_waiting(
    [Role.RECRUITER],
    WaitingWork(
        "check waiting for the candidate's questionnaire",
        "checks waiting for the candidate's questionnaire",
        "assessments:recruiter_list",
        count=lambda user: selectors.waiting_for_candidate(user=user).count(),
    ),
)
register_waiting(
    [Role.CLINICIAN, Role.OH_ADMIN],
    WaitingWork(
        "pre-employment questionnaire waiting for clinical review",
        "pre-employment questionnaires waiting for clinical review",
        "assessments:review_queue",
        count=lambda user: selectors.review_queue(user=user).count(),
    ),
)
