from accounts.home import WorkLink, register_work
from organisations.roles import Role

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
