"""The HTTP side: one ``_call`` that authenticates, retries safely and raises ``ApiError``."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from authplatform_client.types import Category, Photo, Submission, Verification, WebhookEndpoint

_RETRY_STATUSES = {429, 502, 503, 504}


class ApiError(Exception):
    """An error answer: ``status`` and the API's ``code``, ``message`` and ``fields``."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.fields = status, code, message, fields


class Client:
    def __init__(
        self, base_url: str, *, api_key: str, timeout: float = 30.0, retries: int = 3
    ) -> None:
        self.base = base_url.rstrip("/") + "/api/v1/"
        self.api_key, self.timeout, self.retries = api_key, timeout, retries

    # --- the transport ---------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: bytes | None = None,
        content_type: str = "",
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[int, bytes, str]:
        url = path if path.startswith("http") else self.base + path.lstrip("/")
        if params:
            url += "?" + urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        if json_body is not None:
            data, content_type = json.dumps(json_body).encode(), "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        if method == "POST":
            headers["Idempotency-Key"] = idempotency_key or uuid.uuid4().hex
        for attempt in range(self.retries + 1):
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return response.status, response.read(), response.headers["Content-Type"]
            except urllib.error.HTTPError as error:
                body = error.read()
                if _retryable(error.code, body) and attempt < self.retries:
                    time.sleep(_wait(error.headers.get("Retry-After"), attempt))
                    continue
                raise _api_error(error.code, body) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError):
                if attempt >= self.retries:
                    raise
                time.sleep(_wait(None, attempt))
        raise AssertionError("unreachable")

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return json.loads(self._call(method, path, **kwargs)[1])

    def _pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        page = self._json("GET", path, params=params)
        while True:
            yield from page["results"]
            if not page.get("next"):
                return
            page = self._json("GET", page["next"])

    # --- catalog ---------------------------------------------------------------------------

    def categories(self) -> list[Category]:
        return [Category.parse(c) for c in self._pages("catalog/categories/")]

    def brands(self, *, category: str | None = None) -> list[dict[str, Any]]:
        return list(self._pages("catalog/brands/", {"category": category}))

    # --- submissions -----------------------------------------------------------------------

    def submission_create(
        self, *, category: str, brand: str, idempotency_key: str | None = None, **fields: Any
    ) -> Submission:
        body = {"category": category, "brand": brand, **fields}
        return Submission.parse(
            self._json("POST", "submissions/", json_body=body, idempotency_key=idempotency_key)
        )

    def submissions_bulk(self, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Per-item results: ``created``, ``failed`` and ``results`` in request order."""
        return dict(self._json("POST", "submissions/bulk/", json_body={"items": items}))

    def submission_get(self, submission_id: str) -> Submission:
        return Submission.parse(self._json("GET", f"submissions/{submission_id}/"))

    def submissions(self, **filters: Any) -> Iterable[Submission]:
        return (Submission.parse(s) for s in self._pages("submissions/", filters))

    def photo_upload(
        self, submission_id: str, slot: str, image: bytes, filename: str = "photo.jpg"
    ) -> Photo:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="image"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            ).encode()
            + image
            + f"\r\n--{boundary}--\r\n".encode()
        )
        answer = self._json(
            "PUT",
            f"submissions/{submission_id}/photos/{slot}/",
            data=body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        return Photo.parse(answer)

    def submission_submit(self, submission_id: str) -> Submission:
        return Submission.parse(self._json("POST", f"submissions/{submission_id}/submit/"))

    def submission_timeline(self, submission_id: str) -> list[dict[str, Any]]:
        return list(self._pages(f"submissions/{submission_id}/timeline/"))

    def submission_wait(
        self, submission_id: str, *, until: set[str], timeout: float = 120, every: float = 1
    ) -> Submission:
        """Poll until the status is one of ``until`` (webhooks are the better way)."""
        deadline = time.monotonic() + timeout
        while True:
            submission = self.submission_get(submission_id)
            if submission.status in until or time.monotonic() > deadline:
                return submission
            time.sleep(every)

    # --- reports and verification ----------------------------------------------------------

    def report_get(self, report_id: str) -> dict[str, Any]:
        return dict(self._json("GET", f"reports/{report_id}/"))

    def report_document(self, report_id: str) -> bytes:
        """The exact signed bytes: their SHA-256 is the report's ``sha256``."""
        return self._call("GET", f"reports/{report_id}/document/")[1]

    def report_pdf(self, report_id: str) -> bytes:
        return self._call("GET", f"reports/{report_id}/pdf/")[1]

    def report_bundle(self, report_id: str) -> dict[str, Any]:
        return dict(self._json("GET", f"reports/{report_id}/bundle/"))

    def verify_report(self, report_id: str, *, live: bool = False) -> Verification:
        params = {"live": "true"} if live else None
        return Verification.parse(self._json("GET", f"verify/{report_id}/", params=params))

    def verify_bundle(self, bundle: dict[str, Any], *, live: bool = False) -> Verification:
        body = {"bundle": bundle, "live": live}
        return Verification.parse(self._json("POST", "verify/", json_body=body))

    # --- passports and disputes ------------------------------------------------------------

    def passport_get(self, token: str) -> dict[str, Any]:
        return dict(self._json("GET", f"passports/{token}/"))

    def passport_service_add(self, token: str, *, kind: str, summary: str) -> dict[str, Any]:
        body = {"kind": kind, "summary": summary}
        return dict(self._json("POST", f"passports/{token}/events/", json_body=body))

    def disputes(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self._pages("disputes/", filters))

    # --- webhooks --------------------------------------------------------------------------

    def webhook_endpoint_create(
        self, *, url: str, event_types: list[str], description: str = ""
    ) -> WebhookEndpoint:
        body = {"url": url, "event_types": event_types, "description": description}
        return WebhookEndpoint.parse(self._json("POST", "webhooks/endpoints/", json_body=body))

    def webhook_test(self, endpoint_id: str, event_type: str) -> dict[str, Any]:
        body = {"event_type": event_type}
        return dict(self._json("POST", f"webhooks/endpoints/{endpoint_id}/test/", json_body=body))


def _retryable(status: int, body: bytes) -> bool:
    """429 and gateway errors; and a 409 that says our own first try is still running."""
    if status in _RETRY_STATUSES:
        return True
    return status == 409 and b'"idempotency_in_progress"' in body


def _wait(retry_after: str | None, attempt: int) -> float:
    if retry_after and retry_after.isdigit():
        return min(float(retry_after), 60.0)
    return min(0.5 * 2**attempt, 8.0)


def _api_error(status: int, body: bytes) -> ApiError:
    try:
        error = json.loads(body)["error"]
        return ApiError(status, error["code"], error["message"], error.get("fields", {}))
    except (ValueError, KeyError, TypeError):
        return ApiError(status, "http_error", body[:200].decode("utf-8", "replace"), {})
