"""Public verification: a JSON API, a page that checks the proof in the browser, the bundle,
and the issuer metadata a verifier pins."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from provenance.chain import bundle_verification
from provenance.issuer import WELL_KNOWN_PATH
from provenance.selectors import (
    bundle_for,
    document_get_by_uid,
    document_status,
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
    return JsonResponse(
        {
            "document": bundle["document"],
            "document_root": bundle["document_root"],
            "outcome": verification["outcome"],
            "status": bundle["status"],
            "expected_by": bundle["expected_by"],
            "anchor": bundle["anchor"],
            "verification": verification,
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
    document = document_get_by_uid(uid)
    bundle = bundle_for(document)
    return render(
        request,
        "provenance/verify.html",
        {
            "document": document,
            "status": document_status(document),
            "server": bundle_verification(bundle),
            "rpc_url": settings.ETH_PUBLIC_RPC_URL,
            "issuer_url": WELL_KNOWN_PATH,
        },
    )
