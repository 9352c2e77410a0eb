"""No field a person must fill in is labelled "(optional)", in any form of the portal.

Each form is built with every value of its yes/no arguments (a draft and a final version, say) and sent empty,
then with each choice of each of its choice fields. A field that is left empty and refused in some case is
needed in that case, so its label, in every version of the form, must not say "(optional)".
"""

import importlib
import inspect
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import QuerySet
from django.template import Context, Template

from accounts.models import User
from clinics.models import Slot
from organisations.models import Employee, Organisation
from organisations.tests.factories import OrganisationFactory, UserFactory
from referrals.models import AdjustmentFollowUp, AdjustmentStatus
from suppliers.models import Framework, Lot, ServiceLevel

pytestmark = pytest.mark.django_db

FORM_MODULES = ("forms", "questionnaire", "esr_import")

# What each keyword argument of a form's constructor is given (a factory is called); empty querysets will do.
ARGUMENTS: dict[str, list[Any]] = {
    "employees": [Employee.objects.none()],
    "slots": [Slot.objects.none()],
    "clinicians": [User.objects.none()],
    "user": [UserFactory],
    "organisations": [Organisation.objects.none()],
    "lots": [Lot.objects.none()],
    "signatories": [User.objects.none()],
    "levels": [ServiceLevel.objects.none()],
    "framework": [lambda: Framework.objects.create(name="DPS", operator=OrganisationFactory())],
    "questions": [["Is the employee fit for their role?"]],
    "seen_report": [True, False],
    "exposure_prone": [True, False],
    "require_all": [True, False],
    # A row of the manager's adjustments page, not yet answered and answered.
    "follow_up": [
        AdjustmentFollowUp(adjustment="Lighter duties"),
        AdjustmentFollowUp(adjustment="Lighter duties", status=AdjustmentStatus.IN_PLACE),
    ],
    "prefix": ["adjustment-1"],
    # A referral sent, and saved as a draft (only the employee needed), with and without documents stored.
    "sending": [True, False],
    "stored": [(0, 0), (1, 1000)],
    "words": ["I confirm I am authorised to sign this agreement for my organisation."],
    "supplier_signatories": [User.objects.none()],
    "today": [None],
}


def portal_form_classes() -> Iterator[type[forms.BaseForm]]:
    local = [c for c in apps.get_app_configs() if Path(c.path).parent == settings.BASE_DIR]
    for config in local:
        for name in FORM_MODULES:
            try:
                module = importlib.import_module(f"{config.name}.{name}")
            except ModuleNotFoundError:
                continue
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    yield value


def versions(cls: type[forms.BaseForm]) -> list[dict[str, Any]]:
    parameters = inspect.signature(cls.__init__).parameters.values()
    names = [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]
    unknown = set(names) - set(ARGUMENTS)
    assert not unknown, f"{cls.__name__}: add {unknown} to ARGUMENTS"
    given = [[v() if callable(v) and not isinstance(v, QuerySet) else v for v in ARGUMENTS[n]] for n in names]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*given)]


def sent(cls: type[forms.BaseForm], version: dict[str, Any], data: dict[str, str]) -> forms.BaseForm:
    form = cls(data, **version)
    form.is_valid()
    return form


def labelled_optional(form: forms.BaseForm, name: str) -> bool:
    html = Template("{% load crispy_forms_tags %}{{ field|as_crispy_field }}").render(Context({"field": form[name]}))
    return bool(re.search(r"\(optional\)\s*</(label|legend)>", html))


def needed_fields(cls: type[forms.BaseForm]) -> dict[str, str]:
    """Each field refused when left empty in some case, with that case in words."""
    needed: dict[str, str] = {}
    for version in versions(cls):
        empty = sent(cls, version, {})
        cases = [(empty, f"sent empty with {version}")]
        for name, field in empty.fields.items():
            for value, _ in getattr(field, "choices", []) if isinstance(field, forms.ChoiceField) else []:
                if value not in ("", None):
                    cases.append((sent(cls, version, {name: str(value)}), f"{name}={value} with {version}"))
        for form, case in cases:
            for name in form.errors:
                if name in form.fields and not form.data.get(name):
                    needed.setdefault(name, case)
    return needed


@pytest.mark.parametrize("cls", list(portal_form_classes()), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_no_field_that_is_needed_is_labelled_optional(cls):
    needed = needed_fields(cls)
    for version in versions(cls):
        form = cls(**version)
        for name in form.fields:
            if name in needed:
                assert not labelled_optional(form, name), f"{name} is needed ({needed[name]}) but labelled optional"


def test_the_forms_are_found():
    names = {c.__name__ for c in portal_form_classes()}
    assert {"ManagementReferralForm", "TriageForm", "QuestionnaireForm", "ChangeDecisionForm"} <= names
