from datetime import datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessments.models import Assessment, ClearanceOutcome
from assessments.presenters import assessment_actions, link_expiry
from audit.serializers import ClinicalSerializer


class RecruiterAssessmentOutput(serializers.ModelSerializer):
    """What a recruiter may see: outcome, adjustments and date, never answers."""

    reference = serializers.CharField(read_only=True)
    link_expires_at = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "reference",
            "candidate_name",
            "job_role",
            "exposure_prone",
            "start_date",
            "status",
            "outcome",
            "adjustments",
            "cleared_at",
            "created_at",
            "link_expires_at",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DateTimeField(
            allow_null=True, help_text="When the candidate's link stops working; null once the questionnaire is sent"
        )
    )
    def get_link_expires_at(self, obj: Assessment) -> datetime | None:
        """When the candidate's questionnaire link stops (or stopped) working, while the check waits for the
        candidate; null once the questionnaire is sent (the page shows the same, assessments.presenters)."""
        link = link_expiry(obj)
        return link.at if link else None

    def get_allowed_actions(self, obj: Assessment) -> list[str]:
        """What the reader may do to this check now (the page offers the same)."""
        request = self.context.get("request")
        return assessment_actions(getattr(request, "user", None), obj)


class ClinicalAssessmentOutput(ClinicalSerializer, RecruiterAssessmentOutput):
    access_reason = "API: questionnaire answers"
    answers = serializers.SerializerMethodField()

    class Meta(RecruiterAssessmentOutput.Meta):
        fields = [*RecruiterAssessmentOutput.Meta.fields, "organisation", "questionnaire_completed_at", "answers"]
        read_only_fields = fields

    def get_answers(self, obj: Assessment) -> dict:
        response = getattr(obj, "response", None)
        return response.answers if response and response.submitted_at else {}


class StartCheckInput(serializers.Serializer):
    candidate_name = serializers.CharField(max_length=200)
    candidate_email = serializers.EmailField()
    job_role = serializers.CharField(max_length=200)
    exposure_prone = serializers.BooleanField()
    start_date = serializers.DateField(required=False, allow_null=True)


class ClearanceInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=ClearanceOutcome.choices)
    adjustments = serializers.CharField(required=False, allow_blank=True)


class QuestionnaireOutput(serializers.Serializer):
    job_role = serializers.CharField()
    organisation = serializers.CharField()
    exposure_prone = serializers.BooleanField()
    expires_at = serializers.DateTimeField()
    answers = serializers.DictField()
    questions = serializers.ListField(child=serializers.DictField())


class QuestionnaireInput(serializers.Serializer):
    answers = serializers.DictField()
    submit = serializers.BooleanField(default=False)
