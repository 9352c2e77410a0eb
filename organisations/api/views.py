from rest_framework import viewsets

from organisations.models import Employee, Organisation

from .serializers import EmployeeSerializer, OrganisationSerializer


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Organisation.objects.visible_to(self.request.user)


class EmployeeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = EmployeeSerializer
    filterset_fields = ["esr_number", "staff_group"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Employee.objects.visible_to(self.request.user).select_related("organisation")
