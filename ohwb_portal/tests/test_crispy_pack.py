"""The crispy-forms pack 'nhsuk' renders NHS.UK frontend markup, errors and all."""

from datetime import date

from django import forms
from django.template import Context, Template

from ohwb_portal.date_input import NhsDateField


class ExampleForm(forms.Form):
    name = forms.CharField(label="Full name", help_text="As on your payslip")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    reason = forms.ChoiceField(label="Reason", choices=[("msk", "Musculoskeletal"), ("mh", "Mental health")])
    modality = forms.ChoiceField(
        label="How", choices=[("f2f", "Face to face"), ("phone", "Telephone")], widget=forms.RadioSelect
    )
    questions = forms.MultipleChoiceField(
        label="Questions",
        choices=[("fit", "Is the employee fit?"), ("adj", "Adjustments?")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agreed = forms.BooleanField(label="The employee agreed to this referral")
    absent_since = NhsDateField(label="Absent since", required=False)
    upload = forms.FileField(label="Risk assessment", required=False)

    def clean(self):
        data = super().clean()
        if data.get("name") == "Nobody":
            raise forms.ValidationError("Choose a real person")
        return data


def render(form):
    return Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))


def test_each_widget_gets_its_nhs_markup():
    html = render(ExampleForm())
    assert 'class="textinput nhsuk-input"' in html
    for marker in (
        "nhsuk-textarea",
        "nhsuk-select",
        "nhsuk-radios__input",
        "nhsuk-checkboxes__input",
        "nhsuk-date-input__input",
        "nhsuk-file-upload",
        "nhsuk-hint",
    ):
        assert marker in html, marker
    assert "nhsuk-error-summary" not in html


def test_optional_fields_are_marked_and_required_ones_are_not():
    html = render(ExampleForm())
    assert "Notes (optional)" in html
    assert "Full name (optional)" not in html and "*" not in html


def test_errors_summary_links_to_fields_and_keeps_typed_values():
    form = ExampleForm(
        data={
            "name": "Nobody",
            "notes": "typed text",
            "modality": "",
            "absent_since_0": "31",
            "absent_since_1": "2",
            "absent_since_2": "2026",
        }
    )
    assert not form.is_valid()
    html = render(form)
    assert 'class="nhsuk-error-summary"' in html and 'role="alert"' in html
    assert "Choose a real person" in html  # non-field error in the summary
    assert 'href="#id_modality_0"' in html  # radios link to the first radio
    assert 'href="#id_agreed"' in html
    assert 'href="#id_absent_since_0"' in html
    assert "must be a real date" in html
    assert "typed text" in html and 'value="31"' in html
    assert '<span class="nhsuk-u-visually-hidden">Error:</span>' in html
    assert "nhsuk-form-group--error" in html


def test_error_messages_are_wired_to_inputs_with_aria():
    form = ExampleForm(data={"name": ""})
    form.is_valid()
    html = render(form)
    assert 'id="id_name-error"' in html and 'id="id_name_helptext"' in html
    name_input = html.split('name="name"')[1].split(">")[0]
    assert 'aria-describedby="id_name_helptext id_name-error"' in name_input


def test_date_field_parses_and_explains():
    field = NhsDateField(label="Absent since")
    assert field.clean(["3", "11", "2026"]) == date(2026, 11, 3)
    for parts, message in ((["", "11", "2026"], "must include a day"), (["x", "1", "2026"], "real date")):
        try:
            field.clean(parts)
        except forms.ValidationError as exc:
            assert message in exc.messages[0]
        else:
            raise AssertionError("should not validate")
