"""Small output and input serializers; which enrolment fields a role is given is the presenter's answer
(presenters.enrolment_fields), as on the pages."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from audit.serializers import ClinicalSerializer
from health_protection.surveillance import presenters
from health_protection.surveillance.models import Outcome, Programme, Result
from health_protection.surveillance.status import Status


class ProgrammeOutput(serializers.ModelSerializer):
    enrolled = serializers.IntegerField(read_only=True)
    up_to_date = serializers.IntegerField(read_only=True)
    due = serializers.IntegerField(read_only=True)
    overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Programme
        fields = [
            "id",
            "name",
            "kind",
            "recording",
            "interval_months",
            "organisation",
            "oh_service",
            "active",
            "created_at",
            "enrolled",
            "up_to_date",
            "due",
            "overdue",
        ]
        read_only_fields = fields


class EnrolmentOutput(serializers.Serializer):
    """A manager (and the member of staff) get the first seven fields only; the OH service all of them."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    employee_name = serializers.CharField()
    programme_name = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    due_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, help_text="The last check's outcome")
    employee = serializers.IntegerField(required=False)
    programme = serializers.IntegerField(required=False)
    basis = serializers.CharField(required=False)
    enrolled_at = serializers.DateTimeField(required=False)
    last_checked_on = serializers.DateField(required=False, allow_null=True)
    awaiting_review = serializers.BooleanField(required=False)
    ended_at = serializers.DateTimeField(required=False, allow_null=True)
    allowed_actions = serializers.ListField(child=serializers.CharField(), required=False)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        request = self.context.get("request")
        values = presenters.enrolment_values(getattr(request, "user", None), instance)
        shown = super().to_representation(values)
        return {name: shown[name] for name in values}


class ResultOutput(ClinicalSerializer, serializers.ModelSerializer):
    access_reason = "API: health surveillance results"

    class Meta:
        model = Result
        fields = [
            "id",
            "enrolment",
            "performed_on",
            "recorded_at",
            "values",
            "category",
            "findings",
            "outcome",
            "restrictions",
            "next_due_on",
        ]
        read_only_fields = fields


class ResultInput(serializers.Serializer):
    performed_on = serializers.DateField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    category = serializers.CharField(required=False, allow_blank=True, default="")
    values = serializers.DictField(required=False, default=dict, help_text="Spirometry: fev1 and fvc in litres")
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    restrictions = serializers.CharField(required=False, allow_blank=True, default="")
    next_due_on = serializers.DateField(required=False, allow_null=True, default=None)
