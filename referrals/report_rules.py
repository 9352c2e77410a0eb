"""What makes an outcome report complete: one rule for the page's form, the API's serializer and the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def answer_errors(questions: list[str], answers: Mapping[str, Any]) -> dict[str, str]:
    """Per question, what is wrong with the answers: each of the manager's questions needs a written
    answer, and nothing may answer a question the manager did not ask. Empty when the answers are complete."""
    errors = {q: f"Answer the manager's question: {q}" for q in questions if not str(answers.get(q) or "").strip()}
    for key in answers:
        if key not in questions:
            errors[key] = "This is not one of the manager's questions."
    return errors
