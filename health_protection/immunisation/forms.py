"""Forms: short, in the words of the person filling them in; the services make the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from ohwb_portal.date_input import NhsDateField
from ohwb_portal.required_when import required_when
from organisations.models import Organisation

from .models import (
    Antigen,
    CampaignKind,
    DeclineReason,
    Elsewhere,
    EntryKind,
    InjectionSite,
    Outcome,
    ScreeningResult,
    VaccineBatch,
    VaccineProduct,
)


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or ESR number", required=False, max_length=100)


class CampaignForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        error_messages={"required": "Choose the organisation"},
    )
    kind = forms.ChoiceField(label="Vaccine", choices=CampaignKind.choices, widget=forms.RadioSelect)
    starts_on = NhsDateField(label="Starts on", help_text="For flu, the national return counts from 1 September")
    ends_on = NhsDateField(label="Ends on", help_text="For flu, the last monthly return is at the end of February")
    target_percent = forms.IntegerField(
        label="Target uptake among frontline staff (%)", min_value=1, max_value=100, initial=80
    )

    def __init__(self, *args: Any, clients: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = clients  # type: ignore[attr-defined]


class ClinicForm(forms.Form):
    place = forms.CharField(label="Where", max_length=200, help_text="For example Ward 7, or the staff room, Block B")
    on = NhsDateField(label="Date")
    batch = forms.ModelChoiceField(
        label="Batch in use (optional)",
        queryset=VaccineBatch.objects.none(),
        required=False,
        empty_label="Choose later",
    )

    def __init__(self, *args: Any, batches: QuerySet[VaccineBatch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches  # type: ignore[attr-defined]


class VaccinatorForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Vaccinator", queryset=User.objects.none(), error_messages={"required": "Choose the vaccinator"}
    )

    def __init__(self, *args: Any, candidates: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class BatchForm(forms.Form):
    product = forms.ModelChoiceField(label="Vaccine", queryset=VaccineProduct.objects.all())
    batch_number = forms.CharField(label="Batch number", max_length=50)
    expires_on = NhsDateField(label="Expiry date")


class ClinicBatchForm(forms.Form):
    batch = forms.ModelChoiceField(label="Batch in use", queryset=VaccineBatch.objects.none())

    def __init__(self, *args: Any, batches: QuerySet[VaccineBatch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = batches  # type: ignore[attr-defined]


class VaccinationForm(forms.Form):
    """One short form: what happened, then only the part of it that applies."""

    outcome = forms.ChoiceField(
        label="What happened?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    consent_given = required_when(
        forms.BooleanField(label="They have given their consent to be vaccinated", required=False),
        "Needed to record a vaccination",
    )
    batch = required_when(
        forms.ModelChoiceField(label="Batch", queryset=VaccineBatch.objects.none(), required=False),
        "Needed if vaccinated here",
    )
    site = required_when(
        forms.ChoiceField(label="Arm", choices=InjectionSite.choices, widget=forms.RadioSelect, required=False),
        "Needed if vaccinated here",
    )
    decline_reason = required_when(
        forms.ChoiceField(
            label="The reason they gave", choices=[("", "Choose a reason"), *DeclineReason.choices], required=False
        ),
        "Needed if they declined",
    )
    elsewhere = required_when(
        forms.ChoiceField(
            label="Where they were vaccinated", choices=[("", "Choose where"), *Elsewhere.choices], required=False
        ),
        "Needed if vaccinated elsewhere",
    )
    given_on = required_when(
        NhsDateField(label="When they were vaccinated", required=False, help_text="For example, 15 10 2026"),
        "Needed if vaccinated elsewhere",
    )

    def __init__(self, *args: Any, batches: QuerySet[VaccineBatch], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["batch"]
        field.queryset = batches  # type: ignore[attr-defined]
        field.label_from_instance = lambda b: (  # type: ignore[attr-defined]
            f"{b.batch_number}, {b.product} (EXPIRED {b.expires_on:%-d %B %Y})"
            if b.expires_on < today
            else f"{b.batch_number}, {b.product} (expires {b.expires_on:%-d %B %Y})"
        )


class EntryForm(forms.Form):
    antigen = forms.ChoiceField(label="Immunisation", choices=Antigen.choices)
    kind = forms.ChoiceField(label="What to record", choices=EntryKind.choices, widget=forms.RadioSelect)
    on = NhsDateField(label="Date")
    antibody_level = required_when(
        forms.DecimalField(
            label="Antibody level (mIU/mL)", required=False, min_value=0, max_digits=7, decimal_places=1
        ),
        "Needed for an antibody test",
    )
    screening_result = required_when(
        forms.ChoiceField(
            label="Screening result", choices=[("", "Choose the result"), *ScreeningResult.choices], required=False
        ),
        "Needed for a screening test",
    )
    product = forms.CharField(label="Vaccine product, for a dose", max_length=200, required=False)
    batch_number = forms.CharField(label="Batch number, for a dose", max_length=50, required=False)


class MaternityForm(forms.Form):
    maternity_role = forms.BooleanField(label="Works in maternity care (offered pertussis vaccination)", required=False)
