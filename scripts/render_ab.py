"""Same-process, interleaved A/B of the case table's rendering and of the case page's empty forms: the templates
of an earlier commit (git show REF:path, default main) against this checkout's, on one page of the busiest OH
service's caseload from the benchmark database. Interleaving keeps a shared machine's drifting load out of the
comparison.

    DJANGO_SETTINGS_MODULE=ohwb_portal.settings.bench DATABASE_URL=... python scripts/render_ab.py [REF] [N]"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ohwb_portal.settings.bench")

import django  # noqa: E402

django.setup()

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.template import Context, Engine  # noqa: E402
from django.template.loader import get_template  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from bench.measure import heaviest_pages  # noqa: E402
from ohwb_portal.templatetags.blank_forms import crispy_blank  # noqa: E402
from referrals.filters import caseload_filter  # noqa: E402
from referrals.forms import CaseMessageForm, MeasuresForm, NoteForm  # noqa: E402
from referrals.presenters import case_rows  # noqa: E402

OLD = ("referrals/_case_table.html", "referrals/_status_tag.html")


def old_engine(ref: str) -> Engine:
    """The project's template engine, with the earlier commit's case table and status tag."""
    options: dict[str, Any] = settings.TEMPLATES[0]
    git = ["git", "show"]  # a developer tool: the ref is what its user typed
    sources = {name: subprocess.check_output([*git, f"{ref}:templates/{name}"], text=True) for name in OLD}  # noqa: S603
    return Engine(
        dirs=[str(d) for d in options["DIRS"]],
        app_dirs=False,
        loaders=[
            (
                "django.template.loaders.cached.Loader",
                [
                    ("django.template.loaders.locmem.Loader", sources),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            )
        ],
        builtins=options["OPTIONS"].get("builtins", []),
        libraries=options["OPTIONS"].get("libraries", {}),
    )


def interleaved(label: str, a, b, n: int) -> None:  # noqa: ANN001
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(5):
        a(), b()
    for _ in range(n):
        for call, into in ((a, times[0]), (b, times[1])):
            began = time.perf_counter()
            call()
            into.append((time.perf_counter() - began) * 1000)
    before, after = statistics.median(times[0]), statistics.median(times[1])
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"{label:52} before {before:6.2f} ms  after {after:6.2f} ms  ({n} each, interleaved; load {load})")


def main() -> None:
    ref = sys.argv[1] if len(sys.argv) > 1 else "main"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    clinician = next(p for p in heaviest_pages() if p.name.startswith("Clinician caseload")).user
    page = Paginator(caseload_filter(user=clinician, data={}).qs, 20).get_page(1)
    page.object_list = list(page.object_list)
    flags = {"caption": "Open cases", "empty": "None", "show_priority": True, "show_reason": True}
    flags |= {"show_organisation": True, "show_overdue": True}
    request = RequestFactory().get("/referrals/caseload/")
    request.user = clinician
    old_table = old_engine(ref).get_template("referrals/_case_table.html")
    # The same kind of Template as old_table (the backend wrapper would run the context processors).
    new_table = get_template("referrals/_case_table.html").template  # type: ignore[attr-defined]

    def bare(values: dict) -> Context:
        """A context with the request (the pagination reads its query) and no context processors, which cost the
        same either way and would only add noise."""
        context = Context(values)
        context.request = request  # type: ignore[attr-defined]
        return context

    interleaved(
        f"Case table, {len(page.object_list)} rows",
        lambda: old_table.render(bare({"page": page, **flags})),
        lambda: new_table.render(bare({"page": page, "rows": case_rows(page.object_list, organisation=True), **flags})),
        n,
    )
    forms = (NoteForm, MeasuresForm, CaseMessageForm)
    interleaved(
        "Case page's empty forms (note, measures, message)",
        lambda: [as_crispy_form(f()) for f in forms],
        lambda: [crispy_blank(f()) for f in forms],
        n,
    )


if __name__ == "__main__":
    main()
