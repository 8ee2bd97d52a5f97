"""Content-Security-Policy for every HTML page, with a fresh script nonce per request.

Django 5.2 has none built in. Scripts run only from our own origin or with this response's
nonce (``{{ csp_nonce }}`` in templates, ``request.csp_nonce`` in code), so an injected
``<script>`` or ``onclick=`` does nothing. Styles keep ``'unsafe-inline'``: the report, the
expert console and Django's admin position boxes and bars with computed ``style=``
attributes, and injected CSS cannot run code.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def _origin(url: str) -> list[str]:
    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


def content_security_policy(nonce: str) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *settings.CSP_EXTRA_IMG_SRC],
        # The verification page's own script asks the chain's public node from the browser.
        "connect-src": ["'self'", *_origin(settings.ETH_PUBLIC_RPC_URL)],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Give the request a nonce, and every HTML response the policy that names it.

    Other responses go without: a PDF under ``object-src 'none'`` would not open in Chromium's
    viewer. Django's debug page for an error (DEBUG only) folds its frames open with inline
    handlers, so it goes without too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(18)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if (
            response.get("Content-Type", "").startswith("text/html")
            and HEADER not in response
            and not (settings.DEBUG and response.status_code >= 500)
        ):
            response[HEADER] = content_security_policy(request.csp_nonce)  # type: ignore[attr-defined]
        return response


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """Template context: ``csp_nonce`` for the ``nonce`` attribute of an inline script."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
