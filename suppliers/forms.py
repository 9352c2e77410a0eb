from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from ohwb_portal.date_input import NhsDateField
from ohwb_portal.form_choices import choose_from
from ohwb_portal.required_when import required_when

from .models import CallOff, DeliveryMode, Framework, Lot, Region, ServiceLevel, ServiceLevelMetric


class SignatoryField(forms.ModelChoiceField):
    """People listed by name and job title (from `selectors.signatories`), never by username."""

    def label_from_instance(self, obj: Any) -> str:
        title = getattr(obj, "job_title", "")
        return f"{obj.display_name}, {title}" if title else obj.display_name


class SignForm(forms.Form):
    """The signatory confirms the declaration, whose words are stored with the signature."""

    declared = forms.BooleanField(
        label="I confirm the declaration",
        error_messages={"required": "Tick the box to confirm the declaration before you sign"},
    )

    def __init__(self, *args: Any, words: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["declared"].label = words


class CallOffForm(forms.Form):
    lots = forms.ModelMultipleChoiceField(
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Lots",
        error_messages={"required": "Choose at least one lot"},
    )
    start_date = NhsDateField(label="Start date", error_messages={"required": "Enter the start date"})
    end_date = NhsDateField(label="End date", error_messages={"required": "Enter the end date"})
    estimated_value = forms.DecimalField(
        label="Estimated value (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={"required": "Enter the estimated value"},
    )
    client_signatory = SignatoryField(
        queryset=User.objects.none(),
        label="Client signatory",
        empty_label="Choose who signs for your organisation",
        error_messages={"required": "Choose who signs for your organisation"},
    )
    supplier_signatory = SignatoryField(
        queryset=User.objects.none(),
        label="Supplier signatory",
        empty_label="Choose who signs for the supplier",
        help_text="Only this person can counter-sign for the supplier",
        error_messages={"required": "Choose who signs for the supplier"},
    )
    appointment_within = forms.IntegerField(
        label="First appointment within (working days)", min_value=1, initial=10, required=False
    )
    report_within = forms.IntegerField(
        label="Report within (working days of the appointment)", min_value=1, initial=2, required=False
    )

    def __init__(
        self,
        *args: Any,
        lots: QuerySet[Lot],
        signatories: QuerySet[User],
        supplier_signatories: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "lots", lots)
        choose_from(self, "client_signatory", signatories)
        choose_from(self, "supplier_signatory", supplier_signatories)

    @classmethod
    def initial_from(cls, call_off: CallOff) -> dict[str, Any]:
        levels = {level.metric: level.working_days for level in call_off.service_levels.all()}
        return {
            "lots": list(call_off.lots.all()),
            "start_date": call_off.start_date,
            "end_date": call_off.end_date,
            "estimated_value": call_off.estimated_value,
            "client_signatory": call_off.client_signatory_id,
            "supplier_signatory": call_off.supplier_signatory_id,
            "appointment_within": levels.get(ServiceLevelMetric.APPOINTMENT_WITHIN),
            "report_within": levels.get(ServiceLevelMetric.REPORT_WITHIN),
        }

    def service_levels(self) -> list[dict[str, Any]]:
        levels = []
        if self.cleaned_data.get("appointment_within"):
            levels.append(
                {
                    "metric": ServiceLevelMetric.APPOINTMENT_WITHIN,
                    "working_days": self.cleaned_data["appointment_within"],
                }
            )
        if self.cleaned_data.get("report_within"):
            levels.append(
                {"metric": ServiceLevelMetric.REPORT_WITHIN, "working_days": self.cleaned_data["report_within"]}
            )
        return levels


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Decision",
        choices=[("admit", "Admit to the DPS"), ("reject", "Reject the application")],
    )
    # The service refuses a rejection without one.
    reason = required_when(
        forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})), "Needed to reject"
    )


class AccreditationForm(forms.Form):
    seqohs_number = forms.CharField(label="SEQOHS accreditation number", max_length=30)
    expires = NhsDateField(label="Accreditation expires")


class TerminateForm(forms.Form):
    reason = forms.CharField(label="Why is the call-off being terminated?", widget=forms.Textarea(attrs={"rows": 3}))


class MonthlyReturnForm(forms.Form):
    month = NhsDateField(label="Month", help_text="Any day in the month, for example 1 10 2026")
    cases_handled = forms.IntegerField(label="Cases handled in the month", min_value=0)

    def __init__(self, *args: Any, levels: Iterable[ServiceLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            self.fields[f"level_{level.pk}"] = forms.IntegerField(
                label=f"% met: {level}",
                min_value=0,
                max_value=100,
                error_messages={"required": "Give the percentage met, from 0 to 100"},
            )

    def levels_met(self) -> dict[str, int]:
        return {str(level.pk): self.cleaned_data[f"level_{level.pk}"] for level in self.levels}


class ProfileForm(forms.Form):
    legal_name = forms.CharField(label="Legal name", max_length=200)
    seqohs_number = forms.CharField(
        label="SEQOHS accreditation number",
        max_length=30,
        required=False,
        help_text="The framework administrator checks it and records the expiry date",
    )
    accreditation_expires = NhsDateField(
        label="SEQOHS accreditation expires",
        required=False,
        help_text="For example, 31 3 2027. The framework administrator checks it",
    )
    regions: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="NHS England regions you cover",
        error_messages={"required": "Choose at least one region"},
    )
    lots: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Lots you deliver",
        error_messages={"required": "Choose at least one lot"},
    )
    delivery_modes = forms.MultipleChoiceField(
        choices=DeliveryMode.choices, widget=forms.CheckboxSelectMultiple, label="How you deliver"
    )
    capacity_statement = forms.CharField(
        label="Capacity",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how many referrals a month you can take",
    )
    contact_name = forms.CharField(label="Contact name", max_length=200)
    contact_email = forms.EmailField(label="Contact e-mail")

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "regions", Region.objects.all())
        choose_from(self, "lots", Lot.objects.filter(framework=framework))


class RateForm(forms.Form):
    lot: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, label="Lot", empty_label="Choose a lot")
    unit = forms.CharField(label="Unit", max_length=100, help_text="For example: per assessment, per session")
    price = forms.DecimalField(label="Price (£)", min_value=0, max_digits=10, decimal_places=2)
    valid_from = NhsDateField(label="Valid from")
    valid_to = NhsDateField(label="Valid to", required=False)

    def __init__(self, *args: Any, lots: QuerySet[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "lot", lots)


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Decision",
        choices=[("approve", "Approve the change"), ("reject", "Reject the change")],
        error_messages={"required": "Choose whether to approve or reject the change"},
    )
    reason = required_when(
        forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})), "Needed to reject"
    )
