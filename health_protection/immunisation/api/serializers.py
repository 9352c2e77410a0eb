"""Small input and output serializers; the rules are the services'. Anything showing a record or an outcome is a
ClinicalSerializer, so serializing it writes the access log."""

from __future__ import annotations

from rest_framework import serializers

from audit.serializers import ClinicalSerializer
from health_protection.immunisation.models import (
    AntigenStatus,
    Campaign,
    DeclineReason,
    Elsewhere,
    ImmunisationEntry,
    ImmunisationRecord,
    InjectionSite,
    Outcome,
    Vaccination,
)
from health_protection.immunisation.presenters import campaign_actions, state_label


class StatusOutput(serializers.ModelSerializer):
    class Meta:
        model = AntigenStatus
        fields = ["antigen", "state", "next_step", "next_due_on", "source"]
        read_only_fields = fields


class EntryOutput(serializers.ModelSerializer):
    class Meta:
        model = ImmunisationEntry
        fields = ["id", "antigen", "kind", "on", "antibody_level", "screening_result", "product", "batch_number"]
        read_only_fields = fields


class ImmunisationRecordOutput(ClinicalSerializer, serializers.ModelSerializer):
    access_reason = "API: immunisation record"
    reference = serializers.CharField(read_only=True)
    esr_number = serializers.CharField(source="employee.esr_number", read_only=True)
    name = serializers.CharField(source="employee.full_name", read_only=True)
    pre_employment_check = serializers.SerializerMethodField()
    statuses = StatusOutput(many=True, read_only=True)
    entries = EntryOutput(many=True, read_only=True)

    class Meta:
        model = ImmunisationRecord
        fields = [
            "id",
            "reference",
            "employee",
            "esr_number",
            "name",
            "oh_service",
            "maternity_role",
            "pre_employment_check",
            "statuses",
            "entries",
        ]
        read_only_fields = fields

    def get_pre_employment_check(self, obj: ImmunisationRecord) -> str | None:
        """The check whose immunisation statuses the record shows where nothing newer is recorded."""
        return obj.pre_employment_check.reference if obj.pre_employment_check else None


class CampaignOutput(serializers.ModelSerializer):
    season = serializers.CharField(read_only=True)
    state = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "organisation",
            "oh_service",
            "kind",
            "season",
            "starts_on",
            "ends_on",
            "target_percent",
            "state",
            "allowed_actions",
        ]
        read_only_fields = fields

    def get_state(self, obj: Campaign) -> str:
        return state_label(obj)

    def get_allowed_actions(self, obj: Campaign) -> list[str]:
        """What the reader may do to this campaign now (the page offers the same)."""
        request = self.context.get("request")
        return sorted(campaign_actions(getattr(request, "user", None), obj))


class GroupOutput(serializers.Serializer):
    name = serializers.CharField(source="label")
    staff = serializers.IntegerField()
    vaccinated = serializers.IntegerField()
    elsewhere = serializers.IntegerField()
    declined = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class WeekOutput(serializers.Serializer):
    week_ending = serializers.DateField()
    vaccinated = serializers.IntegerField()
    staff = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)


class UptakeOutput(serializers.Serializer):
    """Counts only, no person: cumulative from the campaign's start, frontline staff by the national return's staff
    groups, and the rest."""

    on = serializers.DateField()
    target_percent = serializers.IntegerField()
    meets_target = serializers.BooleanField(allow_null=True)
    frontline = GroupOutput()
    groups = GroupOutput(many=True, help_text="The national return's four frontline staff groups")
    other = GroupOutput()
    weeks = WeekOutput(many=True)


class VaccinationInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    consent_given = serializers.BooleanField(default=False)
    batch = serializers.IntegerField(required=False, allow_null=True, help_text="A vaccine batch's id")
    site = serializers.ChoiceField(choices=InjectionSite.choices, required=False, allow_blank=True, default="")
    decline_reason = serializers.ChoiceField(
        choices=DeclineReason.choices, required=False, allow_blank=True, default=""
    )
    elsewhere = serializers.ChoiceField(choices=Elsewhere.choices, required=False, allow_blank=True, default="")
    given_on = serializers.DateField(required=False, allow_null=True)
    clinic = serializers.IntegerField(required=False, allow_null=True, help_text="The clinic's id, if at one")


class VaccinationOutput(ClinicalSerializer, serializers.ModelSerializer):
    access_reason = "API: seasonal vaccination"

    class Meta:
        model = Vaccination
        fields = [
            "id",
            "campaign",
            "employee",
            "outcome",
            "consent_given",
            "decline_reason",
            "elsewhere",
            "given_on",
            "batch",
            "site",
            "clinic",
        ]
        read_only_fields = fields
