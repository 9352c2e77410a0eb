"""What makes a management referral ready to send: one rule for the page's form, the API's serializer and the
services. A draft keeps whatever was typed; these checks run when it is sent (first time or again)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import timezone

from .models import MANAGER_QUESTIONS, ReasonCategory

# The messages are the page's own (each field's message on the form) so the API says the same thing.
MESSAGES = {
    "reason_category": "Choose the main reason for the referral",
    "absent": "Say whether the employee is at work or absent",
    "absent_since": "Enter the date the absence started",
    "absent_since_future": "The date the absence started must be today or in the past",
    "manager_questions": "Choose at least one question, or write your own",
    "work_details": "Describe the role and the work",
    "employee_agreed": "Confirm that you discussed the referral with the employee and they agreed to it",
}


def referral_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Per field (named as on Referral), what is missing before the referral can be sent. Empty when complete.
    `absent_at_referral` is None while unanswered (a draft)."""
    errors: dict[str, str] = {}
    if values.get("reason_category") not in ReasonCategory.values:
        errors["reason_category"] = MESSAGES["reason_category"]
    absent = values.get("absent_at_referral")
    if absent is None:
        errors["absent_at_referral"] = MESSAGES["absent"]
    elif absent:
        since = values.get("absent_since")
        if not since:
            errors["absent_since"] = MESSAGES["absent_since"]
        elif isinstance(since, date) and since > timezone.localdate():
            errors["absent_since"] = MESSAGES["absent_since_future"]
    questions = [q for q in values.get("manager_questions") or [] if q in MANAGER_QUESTIONS]
    if not questions and not str(values.get("other_questions") or "").strip():
        errors["manager_questions"] = MESSAGES["manager_questions"]
    if not str(values.get("work_details") or "").strip():
        errors["work_details"] = MESSAGES["work_details"]
    if not values.get("employee_agreed"):
        errors["employee_agreed"] = MESSAGES["employee_agreed"]
    return errors


def in_sentences(errors: Mapping[str, str]) -> str:
    return " ".join(m if m[-1] in ".?!" else f"{m}." for m in errors.values())
