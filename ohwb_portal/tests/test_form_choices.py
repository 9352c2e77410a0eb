import pytest
from django import forms

from ohwb_portal.form_choices import choose_from, offer
from organisations.models import Organisation


class _Form(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    colour = forms.ChoiceField(choices=[])
    note = forms.CharField()


@pytest.mark.django_db
def test_choose_from_limits_the_rows_a_form_accepts():
    a = Organisation.objects.create(name="Trust A", ods_code="RAA", kind="trust")
    b = Organisation.objects.create(name="Trust B", ods_code="RBB", kind="trust")
    only_b = Organisation.objects.filter(pk=b.pk)
    for chosen, accepted in [(a, False), (b, True)]:
        form = _Form({"organisation": chosen.pk})
        choose_from(form, "organisation", only_b)
        form.is_valid()
        assert ("organisation" not in form.errors) is accepted
    assert "organisation" in _Form({"organisation": b.pk}).errors  # another form keeps its own rows


def test_offer_sets_the_options_of_this_form_only():
    form = _Form()
    offer(form, "colour", [("red", "Red")])
    assert list(form.fields["colour"].choices) == [("red", "Red")]
    assert list(_Form().fields["colour"].choices) == []


def test_a_field_of_the_wrong_kind_is_refused_at_once():
    with pytest.raises(TypeError, match="note"):
        choose_from(_Form(), "note", Organisation.objects.none())
    with pytest.raises(TypeError, match="note"):
        offer(_Form(), "note", [("a", "A")])
