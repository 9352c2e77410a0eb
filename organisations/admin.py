from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Employee, Membership, Organisation, ServiceAssignment


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "kind", "ics"]
    list_filter = ["kind"]
    search_fields = ["name", "ods_code"]


@admin.register(ServiceAssignment)
class ServiceAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ["oh_service", "client", "service_line"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organisation", "role"]
    list_filter = ["role"]
    search_fields = ["user__username"]


@admin.register(Employee)
class EmployeeAdmin(SimpleHistoryAdmin):
    list_display = ["esr_number", "last_name", "first_name", "organisation", "staff_group"]
    search_fields = ["esr_number", "last_name"]
    list_filter = ["organisation"]
