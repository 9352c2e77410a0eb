from typing import Any

from django import forms
from django.db.models import QuerySet

from ohwb_portal.form_choices import choose_from

from .models import Organisation

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class StaffImportForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choose the organisation the staff work for"},
    )
    file = forms.FileField(
        label="ESR staff export (CSV)",
        help_text="The CSV file exported from ESR, with its heading row. Up to 20 MB.",
        error_messages={"required": "Choose the ESR export file to import"},
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choose_from(self, "organisation", organisations)

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The file must be a CSV file exported from ESR")
        head = upload.read(4096)
        upload.seek(0)
        if b"\x00" in head:
            raise forms.ValidationError("The file must be a CSV file exported from ESR")
        return upload
