"""The injury as each role is given it (health_protection.injuries.presenters decides the fields), and the inputs of
each action. The serializers that show the risk assessment or results are ClinicalSerializers: serializing logs."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.serializers import ClinicalSerializer
from health_protection.injuries import presenters
from health_protection.injuries.models import BbvStatus, HepBImmunity, InjuryKind, InoculationInjury, PepAdvice, Risk
from organisations.roles import Role

# Names the API gives what the model holds under another (a reference, the member of staff in words).
COMPUTED = {"reference", "employee", "organisation"}


class PlanEntry(serializers.Serializer):
    """One follow-up blood test as the manager and the OH administrator see it: when, and where it stands."""

    id = serializers.IntegerField()
    week = serializers.IntegerField()
    due_on = serializers.DateField()
    status = serializers.CharField()
    booked_for = serializers.DateTimeField(allow_null=True)


class PlanEntryWithResults(ClinicalSerializer, PlanEntry):
    """With its results, as the clinician and the member of staff see it (documents the `tests` they are given)."""

    access_reason = "API: inoculation injury results"
    hbv_result = serializers.CharField()
    hcv_result = serializers.CharField()
    hiv_result = serializers.CharField()
    result_notes = serializers.CharField()
    results_recorded_at = serializers.DateTimeField(allow_null=True)


def _fields(role: str) -> list[str]:
    return ["id", *presenters.INJURY_FIELDS[role], "tests", "allowed_actions"]


class _InjuryOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    employee = serializers.SerializerMethodField()
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    tests = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    role: str = Role.MANAGER

    def get_employee(self, obj: InoculationInjury) -> str:
        return obj.employee.full_name

    def _plan(self, obj: InoculationInjury) -> list[dict[str, Any]]:
        names = ["id", *presenters.PLAN_FIELDS[self.role]]
        return [{name: getattr(test, name) for name in names} for test in obj.tests.all()]

    @extend_schema_field(PlanEntry(many=True))
    def get_tests(self, obj: InoculationInjury) -> list[dict[str, Any]]:
        return self._plan(obj)

    def get_allowed_actions(self, obj: InoculationInjury) -> list[str]:
        """What the reader may do to this injury now (the page offers the same)."""
        request = self.context.get("request")
        return presenters.injury_actions(getattr(request, "user", None), obj)


class ManagerInjuryOutput(_InjuryOutput):
    """The line manager: the incident and the follow-up plan, never the assessment or any result."""

    class Meta:
        model = InoculationInjury
        fields = _fields(Role.MANAGER)
        read_only_fields = fields


class OhAdminInjuryOutput(_InjuryOutput):
    """The OH administrator: what they book and chase, no results."""

    role = Role.OH_ADMIN

    class Meta:
        model = InoculationInjury
        fields = _fields(Role.OH_ADMIN)
        read_only_fields = fields


class EmployeeInjuryOutput(ClinicalSerializer, _InjuryOutput):
    """The member of staff: their own injury, the advice given and their own results (not the source's status)."""

    access_reason = "API: inoculation injury results"
    role = Role.EMPLOYEE

    class Meta:
        model = InoculationInjury
        fields = _fields(Role.EMPLOYEE)
        read_only_fields = fields

    @extend_schema_field(PlanEntryWithResults(many=True))
    def get_tests(self, obj: InoculationInjury) -> list[dict[str, Any]]:
        return self._plan(obj)


class ClinicianInjuryOutput(ClinicalSerializer, _InjuryOutput):
    access_reason = "API: inoculation injury assessment and results"
    role = Role.CLINICIAN

    class Meta:
        model = InoculationInjury
        fields = _fields(Role.CLINICIAN)
        read_only_fields = fields

    @extend_schema_field(PlanEntryWithResults(many=True))
    def get_tests(self, obj: InoculationInjury) -> list[dict[str, Any]]:
        return self._plan(obj)


OUTPUTS: dict[str, type[_InjuryOutput]] = {
    Role.MANAGER: ManagerInjuryOutput,
    Role.OH_ADMIN: OhAdminInjuryOutput,
    Role.EMPLOYEE: EmployeeInjuryOutput,
    Role.CLINICIAN: ClinicianInjuryOutput,
}


class InjuryReportInput(serializers.Serializer):
    employee = serializers.IntegerField(
        required=False, help_text="OH only: the staff record of the member of staff (the employee reports their own)"
    )
    kind = serializers.ChoiceField(choices=InjuryKind.choices)
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200)
    how_it_happened = serializers.CharField(max_length=2000)
    first_aid_given = serializers.BooleanField(default=False)
    source_known = serializers.BooleanField(default=False)
    source_details = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InjuryAssessInput(serializers.Serializer):
    risk = serializers.ChoiceField(choices=Risk.choices)
    hep_b_immunity = serializers.ChoiceField(choices=HepBImmunity.choices)
    hep_b_booster_given = serializers.BooleanField(default=False)
    pep_advice = serializers.ChoiceField(choices=PepAdvice.choices)
    riddor_reportable = serializers.BooleanField()
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class InjurySourceRequestInput(serializers.Serializer):
    asked = serializers.CharField(max_length=200)


class InjuryBbvInput(serializers.Serializer):
    hbv = serializers.ChoiceField(choices=BbvStatus.choices)
    hcv = serializers.ChoiceField(choices=BbvStatus.choices)
    hiv = serializers.ChoiceField(choices=BbvStatus.choices)


class InjurySourceStatusInput(InjuryBbvInput):
    details = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class InjuryResultInput(InjuryBbvInput):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class InjuryBookingInput(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When the blood test is booked for (in the future)")
