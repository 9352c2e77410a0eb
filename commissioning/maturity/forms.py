from __future__ import annotations

from typing import Any

from django import forms

from .evidence_files import EvidenceRefused, file_type, limits_in_words
from .models import Level


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files; each checked by content, given back as (file, real type) pairs."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[tuple[Any, str]]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked = []
        for upload in files:
            super().clean(upload, initial)
            try:
                checked.append((upload, file_type(upload)))
            except EvidenceRefused as exc:
                raise forms.ValidationError(str(exc)) from exc
        return checked


class DomainForm(forms.Form):
    level = forms.ChoiceField(
        label="Level",
        choices=Level.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="The level the service meets in full today. You can save without one and choose it later.",
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="What shows the service meets this level: policies, audits, figures, feedback",
    )
    documents = EvidenceFilesField(label="Evidence documents", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].help_text = limits_in_words()


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Enter your comment"},
    )
