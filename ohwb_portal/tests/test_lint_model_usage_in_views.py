"""The CI lint that keeps views reading models only through `visible_to` (scripts/lint_model_usage_in_views.py)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "lint_model_usage_in_views.py"

VIEW = """\
from referrals.models import Referral


def case(request, pk):
    mine = Referral.objects.visible_to(request.user).get(pk=pk)
    everyone = Referral.objects.filter(pk=pk)
    return mine, everyone
"""


def lint(root: Path, allowlist: str = "") -> subprocess.CompletedProcess:
    listed = root / "allowlist"
    listed.write_text(allowlist)
    return subprocess.run(  # noqa: S603  our own script, our own arguments
        [sys.executable, str(SCRIPT), str(root), str(listed)], capture_output=True, text=True, check=False
    )


def test_a_view_calling_model_objects_filter_fails_with_its_line(tmp_path):
    (tmp_path / "referrals").mkdir()
    (tmp_path / "referrals" / "views.py").write_text(VIEW)
    result = lint(tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "referrals/views.py:6: Referral.objects.filter: read it through .visible_to(user), "
        "or move the query to selectors.py"
    ]


def test_api_views_and_view_packages_are_checked_but_selectors_and_tests_are_not(tmp_path):
    for path in ["app/api/views.py", "app/views/pages.py", "app/selectors.py", "app/tests/views.py"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(VIEW)
    flagged = {line.split(":")[0] for line in lint(tmp_path).stdout.splitlines()}
    assert flagged == {"app/api/views.py", "app/views/pages.py"}


def test_the_manager_passed_around_uncalled_is_a_finding(tmp_path):
    (tmp_path / "views.py").write_text("from m import Note\nread = Note.objects.visible_to\nall_notes = Note.objects\n")
    assert [line.split(": ")[1] for line in lint(tmp_path).stdout.splitlines()] == [
        "Note.objects.visible_to",
        "Note.objects",
    ]


def test_an_allowlisted_use_passes_and_an_entry_that_matches_nothing_fails(tmp_path):
    (tmp_path / "referrals").mkdir()
    (tmp_path / "referrals" / "views.py").write_text(VIEW)
    listed = "# why each is allowed\nreferrals/views.py | Referral.objects.filter | a reason\n"
    assert lint(tmp_path, listed).returncode == 0
    stale = lint(tmp_path, listed + "referrals/views.py | Referral.objects.all | gone\n")
    assert stale.returncode == 1 and "Referral.objects.all is no longer used" in stale.stdout


def test_an_allowlist_entry_without_a_reason_is_refused(tmp_path):
    (tmp_path / "views.py").write_text(VIEW)
    result = lint(tmp_path, "views.py | Referral.objects.filter |\n")
    assert result.returncode != 0 and "path | Model.objects.method | reason" in result.stderr


def test_the_repository_passes():
    result = subprocess.run(  # noqa: S603  our own script
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False, cwd=REPO
    )
    assert result.returncode == 0, result.stdout
