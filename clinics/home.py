"""This app's work links on the OH staff's home page (accounts.home)."""

from accounts.home import WorkLink, register_work
from organisations.roles import Role

OH: list[str] = [Role.OH_ADMIN, Role.CLINICIAN]
register_work(
    OH, WorkLink("Waiting list", "Cases waiting for an appointment, against their target", "clinics:waiting_list")
)
register_work(OH, WorkLink("Diary", "Each clinician's week: clinics, bookings and caseload", "clinics:week"))
register_work(OH, WorkLink("Clinics", "Clinic patterns, slots and leave", "clinics:list"))
register_work(
    OH, WorkLink("Capacity and demand", "Slots offered, booked and not attended, by month", "clinics:capacity")
)
