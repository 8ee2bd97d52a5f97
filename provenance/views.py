"""Public verification: a JSON API, a page that checks the proof in the browser, the bundle,
the issuer metadata a verifier pins, and the feed of revocations."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from provenance.canonical import utc_parse
from provenance.chain import bundle_verification
from provenance.issuer import WELL_KNOWN_PATH
from provenance.presenters import document_photo_open, document_summary
from provenance.revocations import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    revocation_feed_atom,
    revocation_feed_page,
)
from provenance.selectors import (
    bundle_for,
    document_get_by_uid,
    document_status,
    document_successor,
    issuer_metadata,
)


@require_GET
def issuer(request: HttpRequest) -> JsonResponse:
    """GET /.well-known/authplatform-issuer.json: what a verifier pins (provenance.issuer).

    Public and the same for everyone: any site's script may read it, caches may keep it a
    few minutes."""
    response = JsonResponse(
        issuer_metadata(), json_dumps_params={"indent": 1, "ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def verify_api(request: HttpRequest, uid: Any) -> JsonResponse:
    """GET /verify/<id>: the document's anchor, every check and the outcome, as JSON."""
    document = document_get_by_uid(uid)
    bundle = bundle_for(document)
    verification = bundle_verification(bundle).to_dict()
    successor = document_successor(document)
    return JsonResponse(
        {
            "document": bundle["document"],
            "document_root": bundle["document_root"],
            "outcome": verification["outcome"],
            "status": bundle["status"],
            "expected_by": bundle["expected_by"],
            "anchor": bundle["anchor"],
            "verification": verification,
            # The document that replaces a superseded one, and where to verify it.
            "successor": None
            if successor is None
            else {
                "document": {"type": successor.doc_type, "id": successor.doc_id},
                "verify_url": request.build_absolute_uri(
                    reverse("provenance:verify-page", args=[successor.uid])
                ),
            },
            "bundle_url": request.build_absolute_uri(
                reverse("provenance:verify-bundle", args=[document.uid])
            ),
        },
        json_dumps_params={"ensure_ascii": False},
    )


@require_GET
def verify_bundle(request: HttpRequest, uid: Any) -> HttpResponse:
    document = document_get_by_uid(uid)
    response = HttpResponse(
        json.dumps(bundle_for(document), indent=1, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{document.doc_id}.proof.json"'
    return response


@require_GET
def verify_page(request: HttpRequest, uid: Any) -> HttpResponse:
    """GET /verify/<id>/: for people. First the outcome and what the document is about (from
    its public disclosure only: provenance.presenters), then, folded, every check, the browser's
    own and how to check it on one's own machine."""
    document = document_get_by_uid(uid)
    bundle = bundle_for(document)
    server = bundle_verification(bundle)
    issuer = issuer_metadata()
    revocation = server.revocation or {}
    return render(
        request,
        "provenance/verify.html",
        {
            "document": document,
            "status": document_status(document),
            "server": server,
            "summary": document_summary(bundle),
            "issuer_name": issuer["name"],
            "issuer_key": document.signer,
            "issuer_key_published": any(
                key["address"].lower() == document.signer.lower() for key in issuer["signing_keys"]
            ),
            "anchored_at": _moment(bundle["anchor"]["anchored_at"]) if bundle["anchor"] else None,
            "expected_by": _moment(bundle["expected_by"]),
            "revoked_at": _moment(revocation.get("revoked_at")),
            "revocation_reason": revocation.get("reason") or "",
            "successor": document_successor(document),
            "rpc_url": settings.ETH_PUBLIC_RPC_URL,
            "issuer_url": WELL_KNOWN_PATH,
            # What a stranger's verifier fetches and pins on first use (--issuer URL).
            "issuer_site": settings.SITE_URL.rstrip("/"),
        },
    )


def _moment(text: Any) -> datetime | None:
    """A bundle's UTC timestamp as a datetime for the page to word; None if absent or odd."""
    try:
        return utc_parse(text)
    except ValueError:
        return None


@require_GET
def verify_photo(request: HttpRequest, uid: Any, sha256: str) -> FileResponse:
    """GET /verify/<id>/photo/<sha256>.jpg: a photo the document's public proof discloses by
    its hash, and no other (404), whatever else the issuer holds."""
    document = document_get_by_uid(uid)
    image = document_photo_open(bundle_for(document), sha256)
    if image is None:
        raise Http404("No such photo.")
    response = FileResponse(image, content_type="image/jpeg")
    # Short: an owner who later keeps the photos private should not wait long for caches.
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def bundle_spec(request: HttpRequest) -> HttpResponse:
    """GET /verify/bundle-spec.md: the proof bundle format (docs/bundle-spec.md), so anyone
    who holds a bundle can read how to check it without our repository."""
    path = Path(settings.BASE_DIR) / "docs" / "bundle-spec.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise Http404("The specification is not published here.") from error
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _feed_response(request: HttpRequest, content: bytes, content_type: str) -> HttpResponse:
    """Public, the same for everyone, and cheap to poll: a reader that sends the ETag back
    gets 304 while nothing changed."""
    etag = '"' + hashlib.sha256(content).hexdigest() + '"'
    response = HttpResponse(content, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=60"
    response["Access-Control-Allow-Origin"] = "*"
    return get_conditional_response(request, etag=etag, response=response) or response


def _feed_error(message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": "invalid", "message": message}}, status=400)


@require_GET
def revocations(request: HttpRequest) -> HttpResponse:
    """GET /verify/revocations.json?after=<cursor>&limit=<n>: a signed page of the feed."""
    try:
        limit = int(request.GET.get("limit", PAGE_SIZE))
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_PAGE_SIZE:
        return _feed_error(f"limit is a whole number from 1 to {MAX_PAGE_SIZE}.")
    try:
        page = revocation_feed_page(after=request.GET.get("after") or None, limit=limit)
    except ValueError as error:
        return _feed_error(f"{error}: pass the id of an entry, or no cursor to start over.")
    content = json.dumps(page, indent=1, ensure_ascii=False).encode()
    return _feed_response(request, content, "application/json")


@require_GET
def revocations_atom(request: HttpRequest) -> HttpResponse:
    """GET /verify/revocations.atom: the newest revocations for feed readers."""
    return _feed_response(request, revocation_feed_atom(), "application/atom+xml; charset=utf-8")
