"""Small input and output serializers for the diary's API; the rules are the services'."""

from __future__ import annotations

from rest_framework import serializers

from referrals.models import Modality, PractitionerType

from ..models import Booking, Clinic, Slot
from ..rules import SLOT_MINUTES


class ClinicOutput(serializers.ModelSerializer):
    class Meta:
        model = Clinic
        fields = [
            "id",
            "name",
            "clinician",
            "practitioner_type",
            "modality",
            "location",
            "weekdays",
            "start_time",
            "end_time",
            "slot_minutes",
            "starts_on",
            "ends_on",
        ]
        read_only_fields = fields


class ClinicInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    clinician = serializers.IntegerField()
    practitioner_type = serializers.ChoiceField(choices=PractitionerType.choices)
    modality = serializers.ChoiceField(choices=Modality.choices)
    location = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    weekdays = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=4), min_length=1)
    start_time = serializers.TimeField()
    end_time = serializers.TimeField()
    slot_minutes = serializers.ChoiceField(choices=SLOT_MINUTES)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)


class SlotOutput(serializers.ModelSerializer):
    free = serializers.BooleanField(read_only=True, help_text="No booking holds any of its time")

    class Meta:
        model = Slot
        fields = ["id", "clinic", "clinician", "start", "end", "free"]
        read_only_fields = fields


class SlotQuery(serializers.Serializer):
    free = serializers.BooleanField(required=False, default=True, help_text="Only free slots (the default)")
    start_after = serializers.DateTimeField(required=False)


class BookingOutput(serializers.ModelSerializer):
    case_reference = serializers.CharField(read_only=True)

    class Meta:
        model = Booking
        fields = [
            "id",
            "case_reference",
            "referral",
            "assessment",
            "appointment",
            "slot",
            "clinician",
            "start",
            "end",
            "modality",
            "location",
            "status",
            "by_employee",
            "sequence",
        ]
        read_only_fields = fields


class BookingInput(serializers.Serializer):
    slot = serializers.IntegerField()
    referral = serializers.IntegerField(required=False, help_text="A referral waiting to be booked")
    assessment = serializers.IntegerField(required=False, help_text="A pre-employment check for further assessment")

    def validate(self, data: dict) -> dict:
        if ("referral" in data) == ("assessment" in data):
            raise serializers.ValidationError("Give a referral or an assessment, not both.")
        return data


class MoveInput(serializers.Serializer):
    slot = serializers.IntegerField()
    reason = serializers.CharField(max_length=300)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class WaitingCaseOutput(serializers.Serializer):
    reference = serializers.CharField()
    service_line = serializers.CharField()
    priority = serializers.CharField()
    accepted = serializers.DateField()
    waited_working_days = serializers.IntegerField(source="wait.days")
    target_working_days = serializers.IntegerField(source="wait.target")
    state = serializers.CharField(source="wait.state", help_text="within, due_soon or breached")


class WaitingGroupOutput(serializers.Serializer):
    service_line = serializers.CharField()
    priority = serializers.CharField()
    count = serializers.IntegerField()
    breached = serializers.IntegerField()
    oldest = serializers.DateField(allow_null=True)
    target = serializers.IntegerField()


class WaitingListOutput(serializers.Serializer):
    total = serializers.IntegerField()
    groups = WaitingGroupOutput(many=True)
    cases = WaitingCaseOutput(many=True)
