from accounts.home import WorkLink, register_work
from organisations.roles import Role

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
