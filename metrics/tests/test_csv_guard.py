"""Every CSV the portal writes is safe against spreadsheet formula injection (PRODUCT.md section 6).

A cell is quoted (a leading ') when, once normalised the way a spreadsheet may read it (NFKC, leading
blanks and invisible characters dropped), it starts with = + - @ or a lookalike of them, or when it
starts with a control character (tab, newline, carriage return).
"""

import csv
import io
import pathlib

import pytest

from conftest import signed_in_client
from ohwb_portal.csv_export import safe_cell
from organisations.roles import Role
from organisations.tests.factories import member

NASTY = [
    '=HYPERLINK("http://evil.example")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1)",
    " =1+1",  # leading space
    "   @x",
    "\n=1+1",  # newline
    "\r=1+1",
    "\t=1+1",  # tab
    "\t",
    "\u00a0=1+1",  # no-break space
    "\u3000=1+1",  # ideographic space
    "\u200b=1+1",  # zero-width space
    "\ufeff=1+1",  # byte order mark
    "\u200e=1",  # left-to-right mark
    "\uff1dHYPERLINK(1)",  # full-width equals
    "\uff0b1",  # full-width plus
    "\uff0d1",  # full-width hyphen-minus
    "\uff20x",  # full-width commercial at
    "\ufe66x",  # small equals sign
    "\ufe62x",  # small plus sign
    "\ufe63x",  # small hyphen-minus
    "\ufe6bx",  # small commercial at
    "\u2212 1",  # minus sign
    "\u2010x",  # hyphen
    "\u2013x",  # en dash
    "\u2796x",  # heavy minus sign
    "\u2795x",  # heavy plus sign
    "\ufb29x",  # Hebrew alternative plus sign
    " \uff1d1",  # space then full-width equals
    "\x00=1",  # NUL
    "\x0b=1",  # vertical tab
]
HARMLESS = ["ok", "Trust A", "Nursing and midwifery", "<5", "25 to 34", "90%", "a=b", "1-2", "", "O'Neill", "  Trust"]


@pytest.mark.parametrize("text", NASTY, ids=[repr(t) for t in NASTY])
def test_a_nasty_cell_is_quoted_and_kept_whole(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_a_harmless_cell_is_left_alone(text):
    assert safe_cell(text) == text


def test_numbers_stay_numbers_and_none_is_empty():
    assert [safe_cell(v) for v in (-0.5, -3, 12.0, None)] == ["-0.5", "-3", "12.0", ""]


def test_every_csv_the_portal_writes_goes_through_the_guard():
    """One module writes CSV: any other csv.writer/DictWriter in the code would skip the guard."""
    root = pathlib.Path(__file__).resolve().parents[2]
    skip = {".venv", "var", "node_modules", "tests", "browser_tests", "bench"}  # var: the upgrade check's virtualenvs
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if not skip & set(path.relative_to(root).parts)
        and path.relative_to(root).as_posix() != "ohwb_portal/csv_export.py"
        and ("csv.writer(" in path.read_text() or "csv.DictWriter(" in path.read_text())
    ]
    assert offenders == []


@pytest.mark.django_db
def test_the_kpi_export_quotes_a_hostile_organisation_name(world):
    world.trust_a.name = '\uff1dHYPERLINK("http://evil.example","Trust A")'
    world.trust_a.save()
    response = signed_in_client(member(Role.BOARD, world.trust_a)).get("/metrics/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Organisation", "Measure", "Measure code", "Group", "Period", "Value", "Target", "Note"]
    assert {row[0] for row in rows[1:]} == {"'" + world.trust_a.name}
