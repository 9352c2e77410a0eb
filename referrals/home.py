"""This app's entries on each role's home page: work links, and what is waiting (accounts.home)."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.http import QueryDict

from accounts.home import WaitingWork, WorkLink, register_waiting, register_work
from accounts.models import User
from organisations.roles import Role

from . import selectors
from .filters import caseload_filter, triage_filter
from .models import Status

register_work(
    [Role.MANAGER],
    WorkLink("Refer a member of staff", "Make a management referral to occupational health", "referrals:new"),
)
register_work(
    [Role.MANAGER],
    WorkLink("My referrals", "Follow your referrals and read released reports", "referrals:my_referrals"),
)
register_work([Role.EMPLOYEE], WorkLink("My cases", "Your occupational health cases and reports", "referrals:my_cases"))
register_work(
    [Role.EMPLOYEE],
    WorkLink(
        "Refer yourself",
        "Physiotherapy, mental health, menopause or general OH support, without telling your manager",
        "referrals:self_referral",
    ),
)
register_work(
    [Role.OH_ADMIN, Role.CLINICIAN],
    WorkLink("Triage queue", "New referrals waiting for a decision", "referrals:triage_queue"),
)
register_work([Role.CLINICIAN, Role.OH_ADMIN], WorkLink("Caseload", "Open cases, with filters", "referrals:caseload"))

# What is waiting for each role, first on their home page. Each count is the length of the list its link opens:
# OH lists are counted through the same filters the caseload and triage queue apply.


def _triage(query: dict[str, str]) -> Callable[[User], int]:
    return lambda user: triage_filter(user=user, data=QueryDict(urlencode(query))).qs.count()


def _mine(status: str) -> Callable[[User], dict[str, str]]:
    return lambda user: {"clinician": str(user.pk), "status": status}


def _my_cases(status: str) -> Callable[[User], int]:
    return lambda user: caseload_filter(user=user, data=QueryDict(urlencode(_mine(status)(user)))).qs.count()


OVERDUE = {"overdue": "on"}
ATTENDANCE = {"attendance": "on"}

register_waiting(
    [Role.OH_ADMIN, Role.CLINICIAN],
    WaitingWork(
        "referral waiting for triage longer than the target",
        "referrals waiting for triage longer than the target",
        "referrals:triage_queue",
        count=_triage(OVERDUE),
        query=lambda user: OVERDUE,
    ),
)
register_waiting(
    [Role.OH_ADMIN],
    WaitingWork(
        "new referral to triage",
        "new referrals to triage",
        "referrals:triage_queue",
        count=lambda user: selectors.triage_queue(user=user).count(),
    ),
)
register_waiting(
    [Role.OH_ADMIN],
    WaitingWork(
        "case with attendance to record",
        "cases with attendance to record",
        "referrals:caseload",
        count=lambda user: caseload_filter(user=user, data=QueryDict(urlencode(ATTENDANCE))).qs.count(),
        query=lambda user: ATTENDANCE,
    ),
)
register_waiting(
    [Role.CLINICIAN],
    WaitingWork(
        "case of yours assessed, with a report to write",
        "cases of yours assessed, with a report to write",
        "referrals:caseload",
        count=_my_cases(Status.ASSESSED),
        query=_mine(Status.ASSESSED),
    ),
)
register_waiting(
    [Role.CLINICIAN],
    WaitingWork(
        "report of yours being written, not yet sent",
        "reports of yours being written, not yet sent",
        "referrals:caseload",
        count=_my_cases(Status.REPORT_DRAFTED),
        query=_mine(Status.REPORT_DRAFTED),
    ),
)
register_waiting(
    [Role.CLINICIAN],
    WaitingWork(
        "report of yours waiting for the employee's decision",
        "reports of yours waiting for the employee's decision",
        "referrals:caseload",
        count=_my_cases(Status.AWAITING_CONSENT),
        query=_mine(Status.AWAITING_CONSENT),
    ),
)
register_waiting(
    [Role.MANAGER],
    WaitingWork(
        "referral returned to you by occupational health",
        "referrals returned to you by occupational health",
        "referrals:my_referrals",
        count=lambda user: selectors.returned_referrals(user=user).count(),
    ),
)
register_waiting(
    [Role.MANAGER],
    WaitingWork(
        "recommended adjustment to follow up (put in place or not)",
        "recommended adjustments to follow up (put in place or not)",
        "referrals:my_referrals",
        count=lambda user: selectors.adjustments_to_record(user=user).count(),
    ),
)
register_waiting(
    [Role.EMPLOYEE],
    WaitingWork(
        "report waiting for your decision on sharing it with your manager",
        "reports waiting for your decision on sharing them with your manager",
        "referrals:my_cases",
        count=lambda user: selectors.reports_to_decide(user=user).count(),
    ),
)
register_waiting(
    [Role.EMPLOYEE],
    WaitingWork(
        "closed case waiting for your work-ability score",
        "closed cases waiting for your work-ability score",
        "referrals:my_cases",
        count=lambda user: selectors.end_measures_to_give(user=user).count(),
    ),
)
