"""Small input and output serializers; business rules stay in referrals.services."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.serializers import ClinicalSerializer
from organisations.models import Employee
from referrals.actions import ACTIONS, allowed_actions
from referrals.attachment_rules import AttachmentRefused, check_limits, file_type
from referrals.models import (
    CASE_MESSAGE_MAX_LENGTH,
    MANAGER_QUESTIONS,
    AdjustmentFollowUp,
    Appointment,
    Attachment,
    CaseMessage,
    CaseReturn,
    ClinicalNote,
    ClosureOutcome,
    ConsentChoice,
    EqualityActLikely,
    Fitness,
    Modality,
    OutcomeReport,
    PractitionerType,
    Priority,
    ReasonCategory,
    Referral,
    ReportState,
)
from referrals.presenters import APPOINTMENT_FIELDS
from referrals.referral_rules import referral_errors
from referrals.report_rules import answer_errors


class ReferralOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    employee_name = serializers.CharField(source="employee.full_name", read_only=True)
    questions = serializers.ListField(source="question_texts", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Referral
        fields = [
            "id",
            "reference",
            "kind",
            "status",
            "employee",
            "employee_name",
            "organisation",
            "oh_service",
            "service_line",
            "reason_category",
            "absent_at_referral",
            "absent_since",
            "questions",
            "urgent_requested",
            "priority",
            "practitioner_type",
            "returned_reason",
            "submitted_at",
            "accepted_at",
            "closed_at",
            "closure_outcome",
        ]
        read_only_fields = fields


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(ACTIONS))))
class AllowedActionsField(serializers.Field):
    """The actions the requesting user may take on this case now (`referrals.actions.allowed_actions`),
    in the order a case page lists them: the same rule the action endpoints refuse with."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Referral) -> list[str]:
        allowed = allowed_actions(self.context["request"].user, value)
        return [name for name in ACTIONS if name in allowed]


class CaseReturnOutput(serializers.ModelSerializer):
    returned_by = serializers.CharField(source="returned_by.display_name", default=None, read_only=True)
    replied_by = serializers.CharField(source="replied_by.display_name", default=None, read_only=True)

    class Meta:
        model = CaseReturn
        fields = ["id", "returned_at", "returned_by", "reason", "after_dnas", "reply", "replied_at", "replied_by"]
        read_only_fields = fields


class ReferralDetailOutput(ReferralOutput):
    """One case, with what the requesting user may do to it now."""

    allowed_actions = AllowedActionsField(
        help_text="What you may do to this case now; an action endpoint not listed here refuses (403 or 409)."
    )
    returns = serializers.SerializerMethodField(
        help_text="Each return to the manager and the manager's reply (for the manager and the OH service)"
    )

    class Meta(ReferralOutput.Meta):
        fields = [*ReferralOutput.Meta.fields, "allowed_actions", "returns"]
        read_only_fields = fields

    @extend_schema_field(CaseReturnOutput(many=True))
    def get_returns(self, referral: Referral) -> list[dict[str, Any]]:
        returns = CaseReturn.objects.visible_to(self.context["request"].user).filter(referral=referral)
        return list(CaseReturnOutput(returns.select_related("returned_by", "replied_by"), many=True).data)


class ReferralFieldsInput(serializers.Serializer):
    """What the manager writes in a referral. Each may be left out of a draft; sending checks them
    (`referrals.referral_rules`, the page's rule). Left out of a change: left as it is."""

    employee = serializers.PrimaryKeyRelatedField(queryset=Employee.objects.none(), required=False)
    reason_category = serializers.ChoiceField(choices=ReasonCategory.choices, required=False, allow_blank=True)
    absent_at_referral = serializers.BooleanField(
        required=False, allow_null=True, help_text="null (or left out) while not yet answered, on a draft"
    )
    absent_since = serializers.DateField(required=False, allow_null=True)
    manager_questions = serializers.ListField(
        child=serializers.ChoiceField(choices=list(MANAGER_QUESTIONS)), required=False
    )
    other_questions = serializers.CharField(required=False, allow_blank=True)
    work_details = serializers.CharField(required=False, allow_blank=True)
    urgent_requested = serializers.BooleanField(required=False)
    employee_agreed = serializers.BooleanField(required=False)

    def __init__(self, *args: Any, employees: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if employees is not None:
            employee = self.fields["employee"]
            assert isinstance(employee, serializers.PrimaryKeyRelatedField)
            employee.queryset = employees


def ready_to_send(values: dict[str, Any]) -> None:
    """The page's rule for sending, with the page's messages, per field."""
    errors = referral_errors({"absent_at_referral": None, **values})
    if errors:
        raise serializers.ValidationError({name: [message] for name, message in errors.items()})


class ReferralCreateInput(ReferralFieldsInput):
    submit = serializers.BooleanField(
        default=True, help_text="false saves a draft, which needs only the employee; true checks everything"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"].required = True

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("submit", True):
            ready_to_send(attrs)
        return attrs


class ResendInput(ReferralFieldsInput):
    """A returned referral sent again: the reply to OH's question (needed), and any changes. Documents are added
    first through the attachments endpoint. A self-referral takes the reply only."""

    reply = serializers.CharField(
        error_messages={
            "required": "Reply to occupational health's question before sending the referral again.",
            "blank": "Reply to occupational health's question before sending the referral again.",
        }
    )


class TriageInput(serializers.Serializer):
    priority = serializers.ChoiceField(choices=Priority.choices)
    practitioner_type = serializers.ChoiceField(choices=PractitionerType.choices)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class CloseInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ClosureOutcome.choices)
    work_ability = serializers.IntegerField(min_value=0, max_value=10, required=False, allow_null=True)


class AppointmentOutput(serializers.ModelSerializer):
    """Gives only the fields `presenters.appointment_fields` allows the requesting user (context "fields")."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = self.context.get("fields")
        if allowed is not None:
            for name in set(self.fields) - set(allowed):
                self.fields.pop(name)

    class Meta:
        model = Appointment
        fields = list(APPOINTMENT_FIELDS)
        read_only_fields = fields


class AppointmentInput(serializers.Serializer):
    clinician = serializers.IntegerField()
    start = serializers.DateTimeField()
    length_minutes = serializers.IntegerField(min_value=10, max_value=180)
    modality = serializers.ChoiceField(choices=Modality.choices)
    location = serializers.CharField(required=False, allow_blank=True, max_length=300)


class AttendanceInput(serializers.Serializer):
    attended = serializers.BooleanField()


class AttendanceCorrectionInput(serializers.Serializer):
    attended = serializers.BooleanField(help_text="What really happened: true attended, false did not attend.")
    reason = serializers.CharField(max_length=500)


class RescheduleInput(serializers.Serializer):
    start = serializers.DateTimeField()
    reason = serializers.CharField(max_length=500)


class CancelAppointmentInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NoteOutput(ClinicalSerializer, serializers.ModelSerializer):
    access_reason = "API: notes"

    class Meta:
        model = ClinicalNote
        fields = ["id", "author", "text", "addendum_to", "created_at"]
        read_only_fields = fields


class AdjustmentAnswerOutput(ClinicalSerializer, serializers.ModelSerializer):
    """The manager's answer on one recommended adjustment (read through `selectors.adjustment_answers`); part of
    its report, so each read is logged."""

    access_reason = "API: adjustment answers"

    answered_by = serializers.CharField(source="answered_by.display_name", default=None, read_only=True)

    class Meta:
        model = AdjustmentFollowUp
        fields = ["id", "adjustment", "status", "reason", "answered_at", "answered_by"]
        read_only_fields = fields


class NoteInput(serializers.Serializer):
    text = serializers.CharField()
    addendum_to = serializers.IntegerField(required=False, allow_null=True)


class CaseMessageOutput(serializers.ModelSerializer):
    """A message between the referring manager and the OH service (not clinical content). `unread`: sent by
    someone else since the requesting user last opened the case's messages."""

    author_name = serializers.CharField(source="author.display_name", read_only=True)
    unread = serializers.BooleanField(read_only=True, default=False)

    class Meta:
        model = CaseMessage
        fields = ["id", "author", "author_name", "side", "text", "created_at", "unread"]
        read_only_fields = fields


class CaseMessageInput(serializers.Serializer):
    text = serializers.CharField(
        max_length=CASE_MESSAGE_MAX_LENGTH,
        help_text="Questions and practical updates only: no clinical details.",
        error_messages={
            "blank": "Write your message before sending it.",
            "required": "Write your message before sending it.",
            "max_length": f"Keep the message to {CASE_MESSAGE_MAX_LENGTH} characters or fewer.",
        },
    )


class ReportOutput(ClinicalSerializer, serializers.ModelSerializer):
    """One version of the report. `is_earlier`: a later version exists that is not this one (for the manager,
    one not released to them). Read through `selectors.report_versions`, which annotates it."""

    access_reason = "API: report"
    state = serializers.ChoiceField(choices=ReportState.choices, read_only=True)
    is_earlier = serializers.BooleanField(read_only=True)

    class Meta:
        model = OutcomeReport
        fields = [
            "id",
            "version",
            "state",
            "is_earlier",
            "fitness",
            "adjustments",
            "likely_return_date",
            "answers",
            "equality_act",
            "follow_up_plan",
            "diagnosis",
            "sent_for_consent_at",
            "released_at",
            "withheld_at",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not instance.diagnosis_consented:
            data["diagnosis"] = ""
        return data


class ReportInput(serializers.Serializer):
    fitness = serializers.ChoiceField(choices=Fitness.choices)
    adjustments = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    likely_return_date = serializers.DateField(required=False, allow_null=True)
    # Blank answers pass here so that `validate_answers` gives the same message as the page's form.
    answers = serializers.DictField(child=serializers.CharField(allow_blank=True), default=dict)
    equality_act = serializers.ChoiceField(choices=EqualityActLikely.choices)
    follow_up_plan = serializers.CharField(required=False, allow_blank=True)
    diagnosis = serializers.CharField(required=False, allow_blank=True)
    diagnosis_consented = serializers.BooleanField(default=False)

    def validate_answers(self, value: dict[str, str]) -> dict[str, str]:
        """The same rule as the page's form: every question the manager asked answered, nothing else."""
        errors = answer_errors(self.context["questions"], value)
        if errors:
            raise serializers.ValidationError({key: [message] for key, message in errors.items()})
        return value


class AttachmentsInput(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)

    def validate_files(self, value: list[Any]) -> list[tuple[Any, str]]:
        """Each file's real type by content, and the count and total with what the referral already has
        (context "stored": count, bytes). The service checks the limits again under the case's lock."""
        count, size = self.context.get("stored", (0, 0))
        try:
            typed = [(upload, file_type(upload)) for upload in value]
            check_limits(existing_count=count, existing_bytes=size, new_sizes=[u.size for u in value])
        except AttachmentRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return typed


class AttachmentOutput(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ConsentInput(serializers.Serializer):
    choice = serializers.ChoiceField(choices=ConsentChoice.choices)
    comment = serializers.CharField(required=False, allow_blank=True)
