"""Domains register their retention rule and subject access section with audit; audit imports none of them."""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from audit import registry, retention
from audit.models import RetentionAction
from organisations.models import Employee
from organisations.tests.factories import EmployeeFactory

AUDIT = Path(__file__).resolve().parents[1]
DOMAINS = {"referrals", "assessments", "suppliers", "metrics", "notifications", "health_protection"}


def test_audit_imports_no_domain_app():
    imported = set()
    for module in AUDIT.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add((module.name, node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                imported.update((module.name, alias.name.split(".")[0]) for alias in node.names)
    assert {(name, app) for name, app in imported if app in DOMAINS} == set()


def test_the_domains_register_their_rules_and_sections_in_document_order():
    assert registry.retention_for("referral") is not None
    assert registry.retention_for("pre_employment") is not None
    for record_type in ("surveillance", "inoculation_injury", "immunisation_record", "campaign_vaccination"):
        assert registry.retention_for(record_type) is not None
    assert [s.key for s in registry.export_sections()] == [
        "cases",
        "case_messages",
        "pre_employment_checks",
        "immunisation",
        "health_surveillance",
        "inoculation_injuries",
    ]


@pytest.mark.django_db
def test_a_newly_registered_domain_is_swept_by_its_own_rule(world, settings, monkeypatch):
    """A domain that registers a rule is swept with no change to audit."""
    retired = []
    employee = EmployeeFactory(organisation=world.trust_a)
    staff = Employee.objects.filter(pk=employee.pk)
    monkeypatch.setitem(
        registry._RETENTION,
        "staff_test",
        registry.Retention(
            "staff_test", due=lambda cutoff: staff.order_by("pk"), retire=lambda r, action: retired.append((r, action))
        ),
    )
    settings.OHWB_RETENTION = {"staff_test": {"years": 1, "action": "delete"}}
    with time_machine.travel(timezone.now() + timedelta(days=400)):
        result = retention.sweep()
    assert result.done == {"staff_test": 1} and retired == [(employee, "delete")]
    assert RetentionAction.objects.get().record_type == "staff_test"
