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
        error_messages={"required": "Choose at least one lot", "invalid_choice": "Choose lots this supplier offers"},
    )
    start_date = NhsDateField(label="Start date", error_messages={"required": "Enter the start date"})
    end_date = NhsDateField(label="End date", error_messages={"required": "Enter the end date"})
    estimated_value = forms.DecimalField(
        label="Estimated value (£)",
        min_value=0,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "required": "Enter the estimated value",
            "invalid": "Enter the estimated value in pounds, like 75000 or 75000.50",
            "min_value": "The estimated value cannot be below £0",
            "max_digits": "The estimated value must be less than £10,000,000,000",
            "max_decimal_places": "Give the estimated value to the penny at most, like 75000.50",
            "max_whole_digits": "The estimated value must be less than £10,000,000,000",
        },
    )
    client_signatory = SignatoryField(
        queryset=User.objects.none(),
        label="Client signatory",
        empty_label="Choose who signs for your organisation",
        error_messages={
            "required": "Choose who signs for your organisation",
            "invalid_choice": "Choose who signs for your organisation from the list",
        },
    )
    supplier_signatory = SignatoryField(
        queryset=User.objects.none(),
        label="Supplier signatory",
        empty_label="Choose who signs for the supplier",
        help_text="Only this person can counter-sign for the supplier",
        error_messages={
            "required": "Choose who signs for the supplier",
            "invalid_choice": "Choose who signs for the supplier from the list",
        },
    )
    appointment_within = forms.IntegerField(
        label="First appointment within (working days)",
        min_value=1,
        initial=10,
        required=False,
        error_messages={
            "invalid": "Give the working days to a first appointment as a whole number, like 10",
            "min_value": "The working days to a first appointment must be 1 or more",
        },
    )
    report_within = forms.IntegerField(
        label="Report within (working days of the appointment)",
        min_value=1,
        initial=2,
        required=False,
        error_messages={
            "invalid": "Give the working days to the report as a whole number, like 2",
            "min_value": "The working days to the report must be 1 or more",
        },
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
        error_messages={
            "required": "Choose whether to admit or reject the application",
            "invalid_choice": "Choose whether to admit or reject the application",
        },
    )
    # The service refuses a rejection without one.
    reason = required_when(
        forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})), "Needed to reject"
    )


class AccreditationForm(forms.Form):
    seqohs_number = forms.CharField(
        label="SEQOHS accreditation number",
        max_length=30,
        error_messages={
            "required": "Enter the SEQOHS accreditation number",
            "max_length": "The SEQOHS accreditation number must be 30 characters or fewer",
        },
    )
    expires = NhsDateField(
        label="Accreditation expires", error_messages={"required": "Enter the date the accreditation expires"}
    )


class TerminateForm(forms.Form):
    reason = forms.CharField(
        label="Why is the call-off being terminated?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for terminating the call-off"},
    )


class MonthlyReturnForm(forms.Form):
    month = NhsDateField(
        label="Month",
        help_text="Any day in the month, for example 1 10 2026",
        error_messages={"required": "Enter the month of the return"},
    )
    cases_handled = forms.IntegerField(
        label="Cases handled in the month",
        min_value=0,
        error_messages={
            "required": "Enter how many cases you handled in the month",
            "invalid": "Enter the number of cases as a whole number, like 12",
            "min_value": "The number of cases cannot be below 0",
        },
    )

    def __init__(self, *args: Any, levels: Iterable[ServiceLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        for level in self.levels:
            self.fields[f"level_{level.pk}"] = forms.IntegerField(
                label=f"% met: {level}",
                min_value=0,
                max_value=100,
                error_messages={
                    "required": "Give the percentage met, from 0 to 100",
                    "invalid": "Give the percentage met as a whole number from 0 to 100",
                    "min_value": "Give the percentage met as a whole number from 0 to 100",
                    "max_value": "Give the percentage met as a whole number from 0 to 100",
                },
            )

    def levels_met(self) -> dict[str, int]:
        return {str(level.pk): self.cleaned_data[f"level_{level.pk}"] for level in self.levels}


class ProfileForm(forms.Form):
    legal_name = forms.CharField(
        label="Legal name",
        max_length=200,
        error_messages={
            "required": "Enter your legal name",
            "max_length": "Your legal name must be 200 characters or fewer",
        },
    )
    seqohs_number = forms.CharField(
        label="SEQOHS accreditation number",
        max_length=30,
        required=False,
        help_text="The framework administrator checks it and records the expiry date",
        error_messages={"max_length": "The SEQOHS accreditation number must be 30 characters or fewer"},
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
        error_messages={"required": "Choose at least one region", "invalid_choice": "Choose regions from the list"},
    )
    lots: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Lots you deliver",
        error_messages={"required": "Choose at least one lot", "invalid_choice": "Choose lots from the list"},
    )
    delivery_modes = forms.MultipleChoiceField(
        choices=DeliveryMode.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How you deliver",
        error_messages={
            "required": "Choose at least one way you deliver",
            "invalid_choice": "Choose ways you deliver from the list",
        },
    )
    capacity_statement = forms.CharField(
        label="Capacity",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, how many referrals a month you can take",
        error_messages={"required": "Say how much work you can take, for example how many referrals a month"},
    )
    contact_name = forms.CharField(
        label="Contact name",
        max_length=200,
        error_messages={
            "required": "Enter the name of the person buyers should contact",
            "max_length": "The contact name must be 200 characters or fewer",
        },
    )
    contact_email = forms.EmailField(
        label="Contact e-mail",
        error_messages={
            "required": "Enter the contact's e-mail address",
            "invalid": "Enter the contact's e-mail address in the right format, like name@example.com",
        },
    )

    def __init__(self, *args: Any, framework: Framework, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "regions", Region.objects.all())
        choose_from(self, "lots", Lot.objects.filter(framework=framework))


class RateForm(forms.Form):
    lot: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None,
        label="Lot",
        empty_label="Choose a lot",
        error_messages={"required": "Choose the lot this rate is for", "invalid_choice": "Choose one of your lots"},
    )
    unit = forms.CharField(
        label="Unit",
        max_length=100,
        help_text="For example: per assessment, per session",
        error_messages={
            "required": "Enter what the price is for, for example per assessment",
            "max_length": "The unit must be 100 characters or fewer",
        },
    )
    price = forms.DecimalField(
        label="Price (£)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        error_messages={
            "required": "Enter the price in pounds",
            "invalid": "Enter the price in pounds, like 180 or 180.50",
            "min_value": "The price cannot be below £0",
            "max_digits": "The price must be less than £100,000,000",
            "max_decimal_places": "Give the price to the penny at most, like 180.50",
            "max_whole_digits": "The price must be less than £100,000,000",
        },
    )
    valid_from = NhsDateField(label="Valid from", error_messages={"required": "Enter the date the rate starts"})
    valid_to = NhsDateField(label="Valid to", required=False)

    def __init__(self, *args: Any, lots: QuerySet[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "lot", lots)


class ChangeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        widget=forms.RadioSelect,
        label="Decision",
        choices=[("approve", "Approve the change"), ("reject", "Reject the change")],
        error_messages={
            "required": "Choose whether to approve or reject the change",
            "invalid_choice": "Choose whether to approve or reject the change",
        },
    )
    reason = required_when(
        forms.CharField(label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 2})), "Needed to reject"
    )
