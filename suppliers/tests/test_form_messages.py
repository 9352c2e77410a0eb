"""Every DPS form speaks in the user's words: nothing missing or mistyped gets Django's default messages
("This field is required.", "Enter a valid email address.", "Enter a number."...)."""

import pytest
from django import forms
from django.http import QueryDict

from accounts.models import User
from suppliers import forms as supplier_forms
from suppliers.models import Lot, ServiceLevel, ServiceLevelMetric

pytestmark = pytest.mark.django_db

DJANGO_DEFAULTS = (
    "This field is required.",
    "Enter a valid",
    "Enter a number.",
    "Enter a whole number.",
    "Select a valid choice",
    "Ensure this value",
    "Enter a list of values",
    "“",  # '“x” is not a valid value.'
)


def built(form_class: type[forms.Form], data: QueryDict, dps) -> forms.Form:  # type: ignore[no-untyped-def]
    lots = Lot.objects.filter(framework=dps.framework)
    extra: dict = {
        supplier_forms.CallOffForm: {
            "lots": lots,
            "signatories": User.objects.all(),
            "supplier_signatories": User.objects.all(),
        },
        supplier_forms.MonthlyReturnForm: {
            "levels": [ServiceLevel(pk=1, metric=ServiceLevelMetric.APPOINTMENT_WITHIN, working_days=10)]
        },
        supplier_forms.ProfileForm: {"framework": dps.framework},
        supplier_forms.RateForm: {"lots": lots},
        supplier_forms.SignForm: {"words": "I am authorised to sign."},
    }.get(form_class, {})
    return form_class(data, **extra)


FORMS = [
    supplier_forms.SignForm,
    supplier_forms.CallOffForm,
    supplier_forms.DecisionForm,
    supplier_forms.AccreditationForm,
    supplier_forms.TerminateForm,
    supplier_forms.MonthlyReturnForm,
    supplier_forms.ProfileForm,
    supplier_forms.RateForm,
    supplier_forms.ChangeDecisionForm,
]
MISTYPED = {
    "estimated_value": "lots",
    "appointment_within": "-3",
    "report_within": "two",
    "cases_handled": "-1",
    "level_1": "150",
    "contact_email": "jo.reed",
    "price": "£1,000,000,000",
    "lot": "99999",
    "lots": "99999",
    "regions": "99999",
    "delivery_modes": "by_pigeon",
    "decision": "maybe",
    "client_signatory": "99999",
    "supplier_signatory": "99999",
}


@pytest.mark.parametrize("form_class", FORMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("data", ["empty", "mistyped"])
def test_no_form_answers_with_djangos_default_messages(dps, form_class, data):
    posted = QueryDict(mutable=True)
    if data == "mistyped":
        posted.update(MISTYPED)
    form = built(form_class, posted, dps)
    assert not form.is_valid()
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    assert errors, form_class
    defaults = [e for e in errors if e.startswith(DJANGO_DEFAULTS)]
    assert not defaults, f"{form_class.__name__}: {defaults}"
