from django.db.models import QuerySet
from rest_framework import viewsets

from ohwb_portal.requests import AuthenticatedApiRequest
from organisations.models import Employee, Organisation

from .serializers import EmployeeSerializer, OrganisationSerializer


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Organisation]:
        return Organisation.objects.visible_to(self.request.user)


class EmployeeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EmployeeSerializer
    filterset_fields = ["esr_number", "staff_group"]
    request: AuthenticatedApiRequest

    def get_queryset(self) -> QuerySet[Employee]:
        return Employee.objects.visible_to(self.request.user).select_related("organisation")
