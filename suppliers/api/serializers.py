from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from suppliers import selectors
from suppliers.models import CallOff, DeliveryMode, LotCode, ProfileChangeRequest, RateCard, RegionCode, Supplier


class RateOutput(serializers.ModelSerializer):
    lot = serializers.CharField(source="lot.code")

    class Meta:
        model = RateCard
        fields = ["lot", "unit", "price", "valid_from", "valid_to"]


class SupplierOutput(serializers.ModelSerializer):
    regions: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    lots: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    delivery_modes = serializers.SerializerMethodField()
    rates = serializers.SerializerMethodField()

    class Meta:
        model = Supplier
        fields = [
            "id",
            "legal_name",
            "seqohs_number",
            "accreditation_expires",
            "status",
            "regions",
            "lots",
            "delivery_modes",
            "capacity_statement",
            "rates",
        ]

    def get_delivery_modes(self, obj: Supplier) -> list[str]:
        return obj.delivery_modes.split()

    def get_rates(self, obj: Supplier) -> list[dict] | None:
        """Only for roles allowed to see rates (prefetched through RateCard.visible_to); otherwise null."""
        if not self.context.get("can_see_rates"):
            return None
        return RateOutput(getattr(obj, "visible_rates", []), many=True).data  # type: ignore[return-value]


class AgreementStatusOutput(serializers.Serializer):
    code = serializers.CharField(help_text='A call-off status, or "signed" for a signed agreement not yet started')
    text = serializers.CharField(help_text="In words, as the call-off page shows it")


class ValueMonthOutput(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the month")
    units = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    cumulative = serializers.DecimalField(max_digits=12, decimal_places=2)
    counted_from = serializers.ChoiceField(
        source="source", choices=["cases", "return", "none"], help_text="Portal cases, the monthly return, or none"
    )


class ValueUsedOutput(serializers.Serializer):
    used = serializers.DecimalField(max_digits=12, decimal_places=2)
    estimated = serializers.DecimalField(max_digits=12, decimal_places=2)
    percent = serializers.FloatField(allow_null=True)
    unpriced_units = serializers.IntegerField(help_text="Units done when no rate for their lot was in force")
    months = ValueMonthOutput(many=True)


class CallOffOutput(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    value_used = serializers.SerializerMethodField(
        help_text="The work done, priced by the rate cards, against the estimated value; null for those who may "
        "not see the supplier's rates"
    )
    status_today = serializers.SerializerMethodField(help_text='Where it stands today: "Signed, starts 1 Mar 2027"')
    lots: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CallOff
        fields = [
            "id",
            "reference",
            "client",
            "supplier",
            "lots",
            "start_date",
            "end_date",
            "estimated_value",
            "status",
            "status_today",
            "client_signatory",
            "supplier_signatory",
            "client_signed_by",
            "client_signed_at",
            "client_declaration",
            "supplier_signed_by",
            "supplier_signed_at",
            "supplier_declaration",
            "variation_of",
            "variation_number",
            "termination_reason",
            "value_used",
        ]
        read_only_fields = fields

    @extend_schema_field(ValueUsedOutput(allow_null=True))
    def get_value_used(self, obj: CallOff) -> dict[str, Any] | None:
        request = self.context.get("request")
        if request is None or not selectors.may_see_value(request.user, obj):
            return None
        value = selectors.remembered_value_used(obj, timezone.localdate())
        return dict(ValueUsedOutput(value).data)

    @extend_schema_field(AgreementStatusOutput)
    def get_status_today(self, obj: CallOff) -> dict[str, str]:
        status = obj.status_on(timezone.localdate())
        return {"code": status.code, "text": status.label}


class CallOffInput(serializers.Serializer):
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.all())
    # Lot codes repeat on every framework: the view takes them from the supplier's framework.
    lots = serializers.ListField(child=serializers.ChoiceField(choices=LotCode.choices), allow_empty=False)
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    estimated_value = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    client_signatory = serializers.IntegerField()
    supplier_signatory = serializers.IntegerField(help_text="The supplier's person who alone may counter-sign")


class SignInput(serializers.Serializer):
    declared = serializers.BooleanField(help_text="The signatory confirms the declaration (stored with the signature)")


class TerminateInput(serializers.Serializer):
    reason = serializers.CharField()


class ProfileInput(serializers.Serializer):
    """What a supplier may send about its own profile; anything else (status, framework, OH service) is ignored.
    Legal name, accreditation, regions and lots become a change request for the framework admin."""

    legal_name = serializers.CharField(max_length=200, required=False)
    seqohs_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    accreditation_expires = serializers.DateField(required=False, allow_null=True)
    regions = serializers.ListField(
        child=serializers.ChoiceField(choices=RegionCode.choices), required=False, allow_empty=False
    )
    lots = serializers.ListField(
        child=serializers.ChoiceField(choices=LotCode.choices), required=False, allow_empty=False
    )
    delivery_modes = serializers.ListField(child=serializers.ChoiceField(choices=DeliveryMode.choices), required=False)
    capacity_statement = serializers.CharField(required=False, allow_blank=True)
    contact_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    contact_email = serializers.EmailField(required=False, allow_blank=True)


class ProfileChangeOutput(serializers.ModelSerializer):
    regions: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    lots: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = ProfileChangeRequest
        fields = [
            "id",
            "supplier",
            "legal_name",
            "seqohs_number",
            "accreditation_expires",
            "regions",
            "lots",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_reason",
        ]
        read_only_fields = fields


class OwnProfileOutput(serializers.Serializer):
    profile = SupplierOutput(allow_null=True)
    pending_change = ProfileChangeOutput(allow_null=True)


class ChangeDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
