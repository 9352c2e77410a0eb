"""The shared refused-action error: a refusal may name the field it is about; the page helper shows it on that
field (so the error summary links to it), the API names it beside the message."""

from django import forms
from rest_framework.test import APIRequestFactory

from ohwb_portal.refusals import ActionRefused, api_exception_handler, shown_on


class MonthForm(forms.Form):
    month = forms.CharField()
    cases = forms.IntegerField()


def refused_on(form: forms.Form, refusal: ActionRefused) -> forms.Form:
    form.is_valid()
    with shown_on(form):
        raise refusal
    return form


def test_a_refusal_about_a_field_is_shown_on_that_field():
    form = refused_on(MonthForm({"month": "May", "cases": "3"}), ActionRefused("Outside the term.", field="month"))
    assert form.errors == {"month": ["Outside the term."]}
    assert form.non_field_errors() == []


def test_a_refusal_of_the_whole_change_or_about_a_field_the_form_lacks_is_shown_at_the_top():
    for refusal in (ActionRefused("Already decided."), ActionRefused("Already decided.", field="not_on_this_form")):
        form = refused_on(MonthForm({"month": "May", "cases": "3"}), refusal)
        assert form.errors == {"__all__": ["Already decided."]}


def test_the_api_answers_409_with_the_message_and_the_field_when_there_is_one():
    context = {"request": APIRequestFactory().post("/")}
    about_month = api_exception_handler(ActionRefused("Outside the term.", field="month"), context)
    whole = api_exception_handler(ActionRefused("Already decided."), context)
    assert about_month is not None and whole is not None
    assert (about_month.status_code, about_month.data) == (409, {"detail": "Outside the term.", "field": "month"})
    assert (whole.status_code, whole.data) == (409, {"detail": "Already decided."})
