"""A report's JSON, signed document, PDF and bundle carry an ETag (and a Last-Modified where it
is known) and answer 304 Not Modified to a client whose copy is current: the JSON from its
cache without serialising, the PDF without rendering. A changed answer gets a new ETag, and
only the report's owner ever gets a 304: a stranger's revalidation is the 404 of any other
request."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.utils.http import http_date

from api.tests.conftest import Api, api_for
from api.views import reports as report_views
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import deliver_events

pytestmark = pytest.mark.django_db

IMMUTABLE = "private, max-age=31536000, immutable"
REVALIDATE = "private, no-cache"


def _revalidate(api: Api, path: str, first: Any, **headers: str) -> Any:
    return api.client.get(path, HTTP_IF_NONE_MATCH=first["ETag"], **headers)


@pytest.mark.parametrize(
    ("answer", "cache_control"),
    [("", REVALIDATE), ("document/", IMMUTABLE), ("pdf/", REVALIDATE), ("bundle/", REVALIDATE)],
)
def test_each_answer_has_an_etag_and_answers_304_to_it(  # noqa: ANN001
    partner, report, answer, cache_control
) -> None:
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/{answer}"

    first = api.get(path)
    again = _revalidate(api, path, first)
    anything = api.client.get(path, HTTP_IF_NONE_MATCH="*")
    other = api.client.get(path, HTTP_IF_NONE_MATCH='"not-this-one"')

    assert first.status_code == 200 and first["ETag"].startswith('"')
    assert first["Cache-Control"] == cache_control and "Authorization" in first["Vary"]
    assert again.status_code == anything.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"] and again["Cache-Control"] == cache_control
    assert other.status_code == 200 and other.content == first.content


def test_the_etag_of_the_json_and_the_document_is_the_sha256_of_their_bytes(  # noqa: ANN001
    partner, report
) -> None:
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/"

    body, document = api.get(path), api.get(f"{path}document/")
    indented = api.client.get(path, HTTP_ACCEPT="application/json; indent=4")

    assert body["ETag"] == f'"{hashlib.sha256(body.content).hexdigest()}"'
    assert document["ETag"] == f'"{report.sha256}"'
    # Other bytes, another ETag; and the plain body's ETag is still the cached one.
    assert indented["ETag"] == f'"{hashlib.sha256(indented.content).hexdigest()}"'
    assert indented["ETag"] != body["ETag"] and api.get(path)["ETag"] == body["ETag"]


def test_a_correction_gives_the_old_versions_json_a_new_etag_and_last_modified(  # noqa: ANN001
    partner, report
) -> None:
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/"
    before, document = api.get(path), api.get(f"{path}document/")
    assert before["Last-Modified"] == http_date(report.issued_at.timestamp())

    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The condition grade was mistyped.",
    )
    deliver_events()  # as the correction's commit does, in the process that made it

    after = _revalidate(api, path, before)
    assert after.status_code == 200
    assert after.json()["superseded_by"] == str(corrected.uid) and after["ETag"] != before["ETag"]
    assert after["Last-Modified"] == http_date(corrected.issued_at.timestamp())
    # The signed document never changes.
    assert _revalidate(api, f"{path}document/", document).status_code == 304


def test_if_modified_since_answers_304_without_if_none_match(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/document/"
    first = api.get(path)

    unchanged = api.client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    older = api.client.get(path, HTTP_IF_MODIFIED_SINCE=http_date(0))
    # If-None-Match decides alone when both are sent (RFC 9110).
    both = api.client.get(
        path, HTTP_IF_NONE_MATCH='"another"', HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]
    )
    garbled = api.client.get(path, HTTP_IF_MODIFIED_SINCE="yesterday")

    assert first["Last-Modified"] == http_date(report.issued_at.timestamp())
    assert unchanged.status_code == 304 and unchanged["ETag"] == first["ETag"]
    assert older.status_code == both.status_code == garbled.status_code == 200


def test_the_pdf_has_no_last_modified_and_its_304_renders_nothing(  # noqa: ANN001
    partner, report, monkeypatch
) -> None:
    rendered: list[Any] = []
    render = report_views.report_pdf

    def counted(*args: Any, **kwargs: Any) -> bytes:
        rendered.append(args)
        return render(*args, **kwargs)

    monkeypatch.setattr(report_views, "report_pdf", counted)
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/pdf/"

    first = api.get(path)
    again = _revalidate(api, path, first)
    assert first.status_code == 200 and "Last-Modified" not in first
    assert again.status_code == 304 and len(rendered) == 1

    since = api.client.get(path, HTTP_IF_MODIFIED_SINCE=http_date(2**31))
    assert since.status_code == 200 and len(rendered) == 2  # nothing to compare it with


def test_the_pdfs_etag_follows_what_it_shows(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/pdf/"
    english = api.get(path)
    chinese = api.client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")

    report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The condition grade was mistyped.",
    )
    deliver_events()

    replaced = _revalidate(api, path, english)
    assert chinese["ETag"] != english["ETag"] and "Accept-Language" in chinese["Vary"]
    assert replaced.status_code == 200 and replaced["ETag"] != english["ETag"]
    assert replaced.content.startswith(b"%PDF")


def test_a_client_that_asks_for_octet_stream_gets_the_pdf_as_octet_stream(  # noqa: ANN001
    partner, report
) -> None:
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/pdf/"

    binary = api.client.get(path, HTTP_ACCEPT="application/octet-stream")
    pdf = api.client.get(path, HTTP_ACCEPT="application/pdf")
    either = api.client.get(path, HTTP_ACCEPT="application/octet-stream, application/pdf")
    missing = api.client.get(
        path.replace(str(report.uid), "00000000-0000-4000-8000-000000000000"),
        HTTP_ACCEPT="application/pdf",
    )

    assert binary.status_code == 200 and binary["Content-Type"] == "application/octet-stream"
    assert pdf["Content-Type"] == either["Content-Type"] == "application/pdf"
    assert binary.content == pdf.content and binary.content.startswith(b"%PDF")
    assert binary["ETag"] != pdf["ETag"] and "Accept" in binary["Vary"]
    # An error is the usual JSON, not a 406 for asking for a PDF.
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("answer", ["", "document/", "pdf/", "bundle/"])
def test_a_stranger_with_the_etag_gets_404_never_304(partner, rival, report, answer) -> None:  # noqa: ANN001
    path = f"/api/v1/reports/{report.uid}/{answer}"
    etag = api_for(partner).get(path)["ETag"]  # and, for the JSON, now cached

    theirs = api_for(rival).client.get(path, HTTP_IF_NONE_MATCH=etag)
    sandbox = api_for(partner, sandbox=True).client.get(path, HTTP_IF_NONE_MATCH="*")

    assert theirs.status_code == sandbox.status_code == 404
    assert "ETag" not in theirs and theirs.json()["error"]["code"] == "not_found"


def test_a_failed_if_match_is_a_412_in_the_error_shape(partner, report) -> None:  # noqa: ANN001
    api = api_for(partner)
    path = f"/api/v1/reports/{report.uid}/document/"

    refused = api.client.get(path, HTTP_IF_MATCH='"another"')
    matched = api.client.get(path, HTTP_IF_MATCH=f'"{report.sha256}"')

    assert refused.status_code == 412
    assert refused.json()["error"]["code"] == "precondition_failed"
    assert matched.status_code == 200
