from rest_framework import serializers

from ..models import ActionStatus, PlanAction


class PlanActionOutput(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "organisation",
            "action",
            "owner",
            "due_on",
            "status",
            "status_display",
            "overdue",
            "progress",
            "updated_at",
        ]


class PlanActionInput(serializers.Serializer):
    action = serializers.CharField(max_length=200)
    owner = serializers.CharField(max_length=120)
    due_on = serializers.DateField()
    status = serializers.ChoiceField(choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    progress = serializers.CharField(required=False, allow_blank=True, default="")


class PlanActionUpdate(PlanActionInput):
    """A partial update: only the fields sent change."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, partial=True, **kwargs)  # type: ignore[arg-type]
