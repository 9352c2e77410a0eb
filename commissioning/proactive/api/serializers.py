"""A suggestion as its line manager sees it: the member of staff, the absence figures and the decision."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commissioning.proactive.models import SupportSuggestion


class SuggestionEmployee(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    esr_number = serializers.CharField()


class SuggestionOutput(serializers.ModelSerializer):
    employee = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()

    class Meta:
        model = SupportSuggestion
        fields = [
            "id",
            "employee",
            "offered_at",
            "days_lost",
            "spells",
            "window_from",
            "absent_since",
            "state",
            "decided_at",
            "not_now_reason",
            "referral",
        ]
        read_only_fields = fields

    @extend_schema_field(SuggestionEmployee)
    def get_employee(self, obj: SupportSuggestion) -> dict[str, object]:
        return {"id": obj.employee_id, "name": obj.employee.full_name, "esr_number": obj.employee.esr_number}

    def get_state(self, obj: SupportSuggestion) -> str:
        """suggested (waiting for the manager), referred (a referral was started from it) or not_now."""
        return obj.decision or "suggested"


class NotNowInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")


class StartedReferralOutput(serializers.Serializer):
    suggestion = SuggestionOutput()
    referral = serializers.IntegerField(help_text="The draft referral to complete and send (/api/v1/referrals/)")
