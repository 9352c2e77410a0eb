from accounts.home import WorkLink, register_work
from organisations.roles import Role

register_work(
    [Role.PROCUREMENT, Role.BOARD, Role.FRAMEWORK_ADMIN, Role.SUPPLIER],
    WorkLink(
        "Supplier directory",
        "SEQOHS-accredited OH suppliers on the DPS, with filters and comparison",
        "suppliers:directory",
    ),
)
register_work(
    [Role.PROCUREMENT, Role.SUPPLIER, Role.FRAMEWORK_ADMIN, Role.BOARD],
    WorkLink("Call-off agreements", "Raise, sign and follow call-off agreements", "suppliers:call_offs"),
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
