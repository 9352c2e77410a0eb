#!/usr/bin/env python
"""Fail when a view module reads a model other than through `Model.objects.visible_to(user)`.

Who may see a record is decided once, by the model's `visible_to`; a view that writes `Model.objects.filter(...)`
decides it again, and the two drift. Other reads belong in the app's `selectors.py`, which the views call.
(After NHS England's manage-breast-screening, which runs the same check in CI.)

View modules are every `views.py` and every module in a `views/` package, API views included. A use that is
justified is listed in scripts/lint_model_usage_in_views.allowlist as `path | Model.objects.method | reason`;
an entry that matches nothing fails too, so the list only ever shrinks.

    python scripts/lint_model_usage_in_views.py [ROOT]      exit 1 and one line per finding when there are any
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ALLOWED_METHOD = "visible_to"
SKIPPED_DIRS = {".venv", "node_modules", "build", "var", "staticfiles", "migrations", "tests", ".git"}
ALLOWLIST = Path(__file__).with_name("lint_model_usage_in_views.allowlist")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    usage: str  # e.g. "Referral.objects.filter"

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.usage}: read it through .{ALLOWED_METHOD}(user), "
            "or move the query to selectors.py"
        )


def view_modules(root: Path) -> list[Path]:
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        if path.name == "views.py" or "views" in parts[:-1]:
            found.append(path)
    return found


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "<expression>"


def findings_in(source: str, path: str) -> list[Finding]:
    tree = ast.parse(source, filename=path)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "objects"):
            continue
        usage = f"{_dotted(node.value)}.objects"
        method = parents.get(node)
        if isinstance(method, ast.Attribute) and method.value is node:
            call = parents.get(method)
            if method.attr == ALLOWED_METHOD and isinstance(call, ast.Call) and call.func is method:
                continue
            usage = f"{usage}.{method.attr}"
        found.append(Finding(path, node.lineno, usage))
    return sorted(found, key=lambda finding: finding.line)


def read_allowlist(path: Path) -> dict[tuple[str, str], str]:
    """(path, usage) -> reason. Blank lines and lines starting with # are comments."""
    allowed = {}
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 3 or not all(parts):
            raise SystemExit(f"{path.name}:{number}: write `path | Model.objects.method | reason`")
        allowed[(parts[0], parts[1])] = parts[2]
    return allowed


def check(root: Path, allowlist: Path) -> list[str]:
    """The problems, one line each: findings not allowed, and allowlist entries that match nothing."""
    allowed = read_allowlist(allowlist) if allowlist.exists() else {}
    problems, used = [], set()
    for module in view_modules(root):
        relative = module.relative_to(root).as_posix()
        for finding in findings_in(module.read_text(), relative):
            key = (finding.path, finding.usage)
            if key in allowed:
                used.add(key)
            else:
                problems.append(str(finding))
    for path, usage in sorted(set(allowed) - used):
        problems.append(f"{allowlist.name}: {path} | {usage} is no longer used: remove it from the allowlist")
    return problems


def main(argv: list[str]) -> int:
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    allowlist = Path(argv[2]) if len(argv) > 2 else ALLOWLIST
    problems = check(root, allowlist)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} model reads in views outside visible_to", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
