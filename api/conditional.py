"""Conditional GET for the report answers: their ETag, Last-Modified and Cache-Control, and the
304 Not Modified (RFC 9110) a client's current copy gets, decided before the body is built.

Each view works out its validators from what determines its bytes for its caller, after the
ownership check (a stranger gets the 404, never a 304), then asks ``conditional_answer``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response

from api.errors import error_body

# Bytes that never change (the signed document): a client keeps its copy and never asks again.
IMMUTABLE = "private, max-age=31536000, immutable"
# Bytes that may change: a client keeps its copy but revalidates it (with the ETag) each use.
# Private, in both cases: only the key that owns the report may read it.
REVALIDATE = "private, no-cache"

R = TypeVar("R", bound=HttpResponseBase)


@dataclass(frozen=True)
class Validators:
    """What an answer's headers say of its version: ``etag`` quoted, ``last_modified`` only
    where every change to the answer moves it forward."""

    etag: str
    cache_control: str
    last_modified: datetime | None = None
    # Request headers the bytes depend on besides the key (Accept, for the PDF's media type).
    vary: tuple[str, ...] = ()


def etag_quote(digest: str) -> str:
    return f'"{digest}"'


def etag_of(*parts: str | bytes) -> str:
    """A strong ETag naming ``parts`` together (the SHA-256 of them, each on its own line)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\n")
    return etag_quote(digest.hexdigest())


def validators_apply(response: R, validators: Validators) -> R:
    response["ETag"] = validators.etag
    response["Cache-Control"] = validators.cache_control
    if validators.last_modified is not None:
        response["Last-Modified"] = http_date(validators.last_modified.timestamp())
    # The answer is the key's own: a cache shared by several keys must keep one copy each.
    patch_vary_headers(response, ("Authorization", *validators.vary))
    return response


def conditional_answer(request: HttpRequest, validators: Validators) -> HttpResponseBase | None:
    """The 304 when the request's If-None-Match (or, without one, If-Modified-Since) says the
    client's copy is current, a 412 when its If-Match or If-Unmodified-Since fails; None to
    answer in full. Call it only after the ownership check."""
    headers = validators_apply(HttpResponse(), validators)
    modified = validators.last_modified
    answer = get_conditional_response(
        request,
        etag=validators.etag,
        last_modified=int(modified.timestamp()) if modified is not None else None,
        response=headers,
    )
    if answer is None or answer is headers:
        return None
    if answer.status_code == 412:
        message = "The report's current version does not meet If-Match or If-Unmodified-Since."
        return Response(error_body("precondition_failed", message), status=412)
    return answer


# How the four report answers describe this in the schema.
_NOT_MODIFIED = OpenApiResponse(
    description="Not modified: the copy whose ETag you sent in If-None-Match (or whose "
    "Last-Modified you sent in If-Modified-Since) is current. No body."
)


def _response_header(name: str, description: str, *, required: bool = True) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        required=required,
        response=[200, 304],
        description=description,
    )


_RESPONSE_HEADERS = [
    _response_header(
        "ETag",
        "This answer's version, for the caller that asked: send it back in If-None-Match to "
        "get 304 while it is current.",
    ),
    _response_header(
        "Cache-Control",
        "`private, max-age=31536000, immutable` for bytes that never change, `private, "
        "no-cache` (keep it, revalidate each use) for those that may.",
    ),
]
_LAST_MODIFIED = _response_header(
    "Last-Modified",
    "When this answer last changed (an HTTP date), where that is known; absent otherwise "
    "(then only the ETag revalidates).",
    required=False,
)
_REQUEST_HEADERS = [
    OpenApiParameter(
        "If-None-Match",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The ETag of the copy you hold (or `*`): 304 while it is current.",
    ),
    OpenApiParameter(
        "If-Modified-Since",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        description="The Last-Modified of the copy you hold: 304 if nothing changed since. "
        "Ignored when If-None-Match is sent.",
    ),
]


def conditional_schema(responses: dict[Any, Any], *, last_modified: bool = True) -> Any:
    """``extend_schema`` for a view answered through ``conditional_answer``: its ``responses``
    with the 304, and the request and response headers (Last-Modified where it may be sent)."""
    headers = _RESPONSE_HEADERS + ([_LAST_MODIFIED] if last_modified else [])
    return extend_schema(
        parameters=_REQUEST_HEADERS + headers, responses={**responses, 304: _NOT_MODIFIED}
    )
