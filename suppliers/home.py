from accounts.home import WorkLink, register_work
from organisations.roles import Role

from .models import CALL_OFF_RAISERS, DIRECTORY_ROLES

register_work(
    [Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER],
    WorkLink(
        "Supplier directory",
        "SEQOHS-accredited OH suppliers on the DPS, with filters and comparison",
        "suppliers:directory",
    ),
)
# Each role reads what it does with call-offs: those who may raise them (the route policy's set), the supplier
# that counter-signs and sends returns, and those who only follow them.
register_work(
    sorted(CALL_OFF_RAISERS),
    WorkLink("Call-off agreements", "Raise, sign and follow call-off agreements", "suppliers:call_offs"),
)
register_work(
    [Role.SUPPLIER],
    WorkLink(
        "Call-off agreements", "Counter-sign your call-off agreements and send monthly returns", "suppliers:call_offs"
    ),
)
register_work(
    sorted(DIRECTORY_ROLES - CALL_OFF_RAISERS - {Role.SUPPLIER}),
    WorkLink("Call-off agreements", "Follow the call-off agreements made under the DPS", "suppliers:call_offs"),
)
register_work(
    [Role.FRAMEWORK_ADMIN], WorkLink("Applications", "Suppliers waiting to join the DPS", "suppliers:applications")
)
register_work(
    [Role.FRAMEWORK_ADMIN],
    WorkLink(
        "Supplier profile changes",
        "Changes of legal name, accreditation, regions or lots waiting for your approval",
        "suppliers:changes",
    ),
)
register_work(
    [Role.SUPPLIER],
    WorkLink("Your DPS profile", "Apply to the DPS or keep your profile up to date", "suppliers:my_profile"),
)
register_work(
    [Role.SUPPLIER],
    WorkLink("Your rate card", "Your prices per lot, seen only by buyers on the framework", "suppliers:my_rates"),
)
