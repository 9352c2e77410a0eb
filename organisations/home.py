from accounts.home import WorkLink, register_work
from organisations.roles import Role

register_work(
    [Role.MANAGER, Role.OH_ADMIN, Role.CLINICIAN, Role.IG_LEAD],
    WorkLink("Staff records", "Find staff and their ESR details", "organisations:staff_list"),
)
register_work(
    [Role.IG_LEAD, Role.OH_ADMIN],
    WorkLink(
        "Import staff from ESR", "Upload an ESR staff export to add or update staff", "organisations:staff_import"
    ),
)
