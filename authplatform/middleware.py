"""Every answer to a request body over a limit, in one place.

The limits: a body larger than a full batch of photos (refused before it is read), and
Django's own (DATA_UPLOAD_MAX_NUMBER_FILES, DATA_UPLOAD_MAX_NUMBER_FIELDS,
DATA_UPLOAD_MAX_MEMORY_SIZE). Django raises those while parsing, which CsrfViewMiddleware does
before any view runs, and answers with a bare 400 page, or with DEBUG its technical page,
before handler400 could help. So the body is parsed here, early, and a refusal is answered
here: a page visitor goes back to the page they came from with the message, in their language
(or, with no page of ours to go back to, gets a page that says so); /api/ answers in the API's
error shape.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext

from authplatform.errors import error_body
from authplatform.request_body import body_limit

LIMITS = (TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig)
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class Refusal:
    status: int
    code: str
    message: str


def _too_much_data() -> Refusal:
    size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    message = gettext("This request is too large: at most %(size)s of data besides the photos.")
    return Refusal(413, "too_large", message % {"size": size})


def _refusal_for(error: Exception) -> Refusal:
    if isinstance(error, TooManyFilesSent):
        count = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        message = ngettext(
            "At most %(count)d photo per batch: send the others in another batch.",
            "At most %(count)d photos per batch: send the others in another batch.",
            count,
        )
        return Refusal(400, "too_many_files", message % {"count": count})
    if isinstance(error, TooManyFieldsSent):
        count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = gettext("Too many form fields were sent (at most %(count)d).")
        return Refusal(400, "too_many_fields", message % {"count": count})
    return _too_much_data()


def _refusal_by_length(request: HttpRequest) -> Refusal | None:
    """Refuse by Content-Length alone, before anything reads the body."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > body_limit():
        message = gettext(
            "This upload is too large (%(size)s). Send at most %(count)d photos of up to "
            "%(photo_size)s each at a time."
        )
        values = {
            "size": filesizeformat(length),
            "count": settings.PHOTOS_PER_BATCH,
            "photo_size": filesizeformat(settings.PHOTO_MAX_BYTES),
        }
        return Refusal(413, "too_large", message % values)
    # Anything but a multipart upload is read whole into memory (form data, the idempotency
    # fingerprint, the API's JSON), so Django's limit for that applies to all of it.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and length > limit and request.content_type != "multipart/form-data":
        return _too_much_data()
    return None


def _answer(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    if request.path.startswith("/api/"):
        body = error_body(refusal.code, refusal.message)
        return JsonResponse(body, status=refusal.status)
    back = request.headers.get("Referer", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        messages.error(request, refusal.message)
        return HttpResponseRedirect(back)
    context = {"message": refusal.message}
    return render(request, "request_refused.html", context, status=refusal.status)


class RequestBodyLimitMiddleware:
    """Answer a body over a limit clearly. Sits after MessageMiddleware (a refusal leaves its
    message for the next page) and before anything else that reads the body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = _refusal_by_length(request)
        # Under /api/ DRF parses the body in the view (process_exception answers for it);
        # parsing a multipart body here would leave the idempotency fingerprint nothing to read.
        parse_now = (
            refusal is None
            and request.method == "POST"
            and request.content_type in FORM_TYPES
            and not request.path.startswith("/api/")
        )
        if parse_now:
            try:
                _ = request.POST
            except LIMITS as error:
                return _refused(request, error)
        if refusal is not None:
            return _answer(request, refusal)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A limit met while a view parsed the body (DRF parses the API's, PUT included)."""
        if isinstance(exception, LIMITS):
            return _refused(request, exception)
        return None


def _refused(request: HttpRequest, error: Exception) -> HttpResponse:
    # Logged where Django logs these SuspiciousOperations when it answers them itself.
    logging.getLogger(f"django.security.{type(error).__name__}").warning(
        "%s: %s %s", error, request.method, request.path
    )
    return _answer(request, _refusal_for(error))
