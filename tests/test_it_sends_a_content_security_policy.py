"""Every HTML page carries a Content-Security-Policy whose script nonce is new for each response
and is the one on the page's scripts; no template holds a script or an inline event handler
that the policy would block."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tests.servers import ROOT

pytestmark = pytest.mark.django_db

# Our own pages, the admin's and the API docs (drf-spectacular's Swagger UI).
PAGES = ["/", "/account/login/", "/account/signup/", "/admin/login/", "/api/docs/"]
OUR_PAGES = PAGES[:3]

_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def _policy(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: sources for name, *sources in directives}


def _nonce(response: Any) -> str:
    nonces = [s for s in _policy(response)["script-src"] if s.startswith("'nonce-")]
    assert len(nonces) == 1, response["Content-Security-Policy"]
    return nonces[0].removeprefix("'nonce-").removesuffix("'")


def _script_tags(response: Any) -> list[str]:
    return re.findall(r"<script\b[^>]*>", response.content.decode(), re.IGNORECASE)


@pytest.mark.parametrize("path", PAGES)
def test_every_html_page_carries_the_policy_with_a_fresh_nonce(client: Client, path: str) -> None:
    first, second = client.get(path), client.get(path)

    assert first.status_code == 200 and first["Content-Type"].startswith("text/html")
    nonce = _nonce(first)
    assert len(nonce) >= 22 and nonce != _nonce(second)
    scripts = _script_tags(first)
    assert scripts
    for tag in scripts:
        if path in OUR_PAGES or " src=" not in tag:
            assert f'nonce="{nonce}"' in tag, tag


def test_the_policy_allows_only_what_the_pages_need(client: Client, settings: Any) -> None:
    settings.ETH_PUBLIC_RPC_URL = "https://rpc.example.net:8443/v3/project-key"

    response = client.get("/")

    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", f"'nonce-{_nonce(response)}'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["connect-src"] == ["'self'", "https://rpc.example.net:8443"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_json_answers_go_without_the_policy(client: Client) -> None:
    response = client.get("/api/v1/catalog/categories/")

    assert response["Content-Type"] == "application/json"
    assert "Content-Security-Policy" not in response


def test_no_template_has_an_inline_script_without_a_nonce_or_an_inline_handler() -> None:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    templates = [path for folder in folders for path in sorted(folder.rglob("*.html"))]
    problems = []
    for path in templates:
        for match in _TAG.finditer(path.read_text(encoding="utf-8")):
            tag = match.group()
            where = f"{path.relative_to(ROOT)}: {tag[:80]}"
            if re.match(r"<script\b", tag, re.IGNORECASE) and not re.search(r"\s(src|nonce)=", tag):
                problems.append(f"inline script without a nonce in {where}")
            if _INLINE_HANDLER.search(tag):
                problems.append(f"inline event handler in {where}")

    assert len(templates) > 30
    assert problems == []
