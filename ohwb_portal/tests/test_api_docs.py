"""/api/docs/ is served from the portal itself (drf-spectacular-sidecar), under the portal's own CSP.

Every script, style sheet and icon the page names is same-origin and is actually served, and the page holds no
inline script or style that the policy (script-src 'self' + nonce, style-src 'self') would block.
"""

import re

import pytest
from django.test import Client

from organisations.roles import Role

pytestmark = pytest.mark.django_db
ASSET = re.compile(r"""<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)\"""")


def asset_urls(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in ASSET.findall(html)]


def test_docs_page_names_only_same_origin_assets_and_each_is_served(client_for):
    client = client_for(Role.MANAGER)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    urls = asset_urls(html)
    assert any("swagger-ui-bundle.js" in url for url in urls) and any("swagger-ui.css" in url for url in urls)
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        body = b"".join(asset.streaming_content) if asset.streaming else asset.content
        assert body, url
    assert "cdn" not in html.lower() and "https://" not in html


def test_docs_page_has_no_inline_script_or_style(client_for):
    html = client_for(Role.MANAGER).get("/api/docs/").content.decode()
    assert "<style" not in html and " style=" not in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert 'src="' in script, script  # the initialiser is fetched from the portal too (split view)


def test_docs_initialiser_is_javascript_from_the_portal(client_for):
    client = client_for(Role.MANAGER)
    html = client.get("/api/docs/").content.decode()
    init = next(url for url in asset_urls(html) if "script" in url and url.startswith("/api/docs/"))
    response = client.get(init)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in response.content and b"/api/schema/" in response.content
    assert b'"validatorUrl": null' in response.content  # no badge fetched from an outside validator


def test_docs_are_closed_to_anonymous_users():
    assert Client().get("/api/docs/").status_code == 403
