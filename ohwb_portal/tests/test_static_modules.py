"""Under production settings every page runs the NHS.UK JavaScript once.

The manifest storage gives each static file a hashed name. A module's `import` of another module must name the
hashed copy too, or the browser loads (and runs) the library twice: once under the name the page gives, once
under the name the import gives.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.test import RequestFactory, override_settings

from ohwb_portal.storage import PortalStaticFilesStorage
from ohwb_portal.tests.production import run_production


@pytest.fixture
def collected(tmp_path: Path, settings):
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "ohwb_portal.storage.PortalStaticFilesStorage"}}
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
        yield tmp_path


def test_production_static_storage_is_the_one_that_rewrites_module_imports():
    result = run_production("from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])")
    assert result.stdout.split() == ["ohwb_portal.storage.PortalStaticFilesStorage"], result.stderr[-2000:]
    assert PortalStaticFilesStorage.support_js_module_import_aggregation


def test_the_init_module_imports_the_hashed_nhsuk_library_and_the_page_loads_it_once(collected: Path):
    manifest = json.loads((collected / "staticfiles.json").read_text())["paths"]
    init = (collected / manifest["js/init.js"]).read_text()
    imported = re.findall(r"""import\s*\{[^}]*\}\s*from\s*['"]([^'"]+)['"]""", init)
    assert imported == ["../" + manifest["nhsuk/nhsuk-frontend.min.js"]]

    request = RequestFactory().get("/")
    request.csp_nonce = "n"  # type: ignore[attr-defined]
    request.user = AnonymousUser()
    page = render_to_string("base.html", request=request)
    library = [src for src in re.findall(r'<script[^>]* src="([^"]+)"', page) if "nhsuk-frontend" in src]
    assert library == [], "the page names the library itself as well as through init.js"
    assert static("js/init.js") in page
