from rest_framework import serializers

from ..models import AssessmentComment, Domain, DomainRating, EvidenceFile, Level, MaturityAssessment


class EvidenceFileOutput(serializers.ModelSerializer):
    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "content_type", "size", "uploaded_at"]


class RatingOutput(serializers.ModelSerializer):
    files = EvidenceFileOutput(many=True, read_only=True)

    class Meta:
        model = DomainRating
        fields = ["domain", "level", "evidence", "files"]


class CommentOutput(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name")

    class Meta:
        model = AssessmentComment
        fields = ["id", "organisation", "text", "created_at"]


class AssessmentOutput(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name")
    ratings = RatingOutput(many=True, read_only=True)
    comments = CommentOutput(many=True, read_only=True)

    class Meta:
        model = MaturityAssessment
        fields = ["id", "service", "service_name", "status", "created_at", "submitted_at", "ratings", "comments"]


class RatingInput(serializers.Serializer):
    domain = serializers.ChoiceField(choices=Domain.choices)
    level = serializers.ChoiceField(choices=Level.choices, allow_blank=True, required=False, default="")
    evidence = serializers.CharField(allow_blank=True, required=False, default="", max_length=20000)


class AssessmentInput(serializers.Serializer):
    """A draft for the caller's service (the open draft, if there is one), with any domains rated at once."""

    ratings = RatingInput(many=True, required=False, default=list)

    def validate_ratings(self, value: list[dict]) -> list[dict]:
        domains = [rating["domain"] for rating in value]
        if len(domains) != len(set(domains)):
            raise serializers.ValidationError("Give each domain once.")
        return value
