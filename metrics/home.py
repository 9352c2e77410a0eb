from accounts.home import WorkLink, register_work
from organisations.roles import Role

register_work(
    [Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN, Role.SUPPLIER],
    WorkLink(
        "Performance dashboard", "Output-focused measures against targets, trends and benchmark", "metrics:dashboard"
    ),
)
register_work(
    [Role.BOARD, Role.OH_ADMIN, Role.CLINICIAN],
    WorkLink(
        "Annual wellbeing report", "Build the board's annual report and download past ones", "metrics:board_reports"
    ),
)
