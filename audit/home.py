from accounts.home import WorkLink, register_work
from organisations.roles import Role

register_work(
    [Role.EMPLOYEE],
    WorkLink(
        "Who has looked at my record", "Every time someone opened your occupational health record", "audit:access_log"
    ),
)
register_work(
    [Role.IG_LEAD], WorkLink("Access log", "Who opened which clinical record, when and why", "audit:access_log")
)
register_work(
    [Role.IG_LEAD],
    WorkLink("Subject access export", "Everything held about one member of staff", "audit:subject_access"),
)
