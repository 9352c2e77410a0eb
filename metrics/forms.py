from django import forms

NARRATIVE_SECTIONS = ["Summary from the OH lead", "What went well", "What we will improve next year"]


class BoardReportForm(forms.Form):
    summary = forms.CharField(label=NARRATIVE_SECTIONS[0], widget=forms.Textarea(attrs={"rows": 4}))
    went_well = forms.CharField(label=NARRATIVE_SECTIONS[1], widget=forms.Textarea(attrs={"rows": 4}), required=False)
    improve = forms.CharField(label=NARRATIVE_SECTIONS[2], widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def narrative(self) -> dict[str, str]:
        values = [self.cleaned_data["summary"], self.cleaned_data["went_well"], self.cleaned_data["improve"]]
        return {title: text for title, text in zip(NARRATIVE_SECTIONS, values, strict=True) if text.strip()}


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Overall, how satisfied were you with the occupational health service?",
        coerce=int,
        widget=forms.RadioSelect,
        choices=[
            (5, "Very satisfied"),
            (4, "Satisfied"),
            (3, "Neither satisfied nor dissatisfied"),
            (2, "Dissatisfied"),
            (1, "Very dissatisfied"),
        ],
        error_messages={"required": "Choose how satisfied you were"},
    )
    comment = forms.CharField(
        label="Anything you would like to tell us?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )
