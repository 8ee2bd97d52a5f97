"""The annual pass and Diamond include the certificate edition of the report (``Plan.
report_template``): a framed page titled "Certificate of authentication", on the page and in the
PDF, while the submitter holds the report. It is presentation only: the signed document is byte
for byte the same."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from appraisals.models import Report, Submission
from appraisals.report_pages import report_edition
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from tests.tools import require_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(buyer, catalog) -> Report:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    who = expert()
    seat = review_services.review_take_next(expert=who)
    assert seat is not None
    sign(seat, who, "authentic")
    return Report.objects.get()


def _submitted_under(report: Report, plan_code: str) -> Report:
    # The plan the member held when they submitted, as the case records it.
    Submission.objects.filter(pk=report.submission_id).update(member_plan=plan_code)
    return Report.objects.get(pk=report.pk)


def _pdf_text(report: Report, tmp_path: Path) -> str:
    require_tool("pdftotext", package="poppler-utils")
    response = Client().get(reverse("public:report-pdf", args=[report.public_token]))
    assert response.status_code == 200
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # The title is letter-spaced, which pdftotext reads as separate letters: compare without
    # spaces.
    return "".join(text.lower().split())


@pytest.mark.parametrize(
    ("plan", "edition"),
    [("pass-annual", "exclusive"), ("diamond", "exclusive"), ("pass-monthly", "standard"),
     ("black", "standard"), ("free", "standard"), ("", "standard"), ("retired-plan", "standard")],
)  # fmt: skip
def test_the_edition_follows_the_plan_held_at_submission(
    report: Report, plan: str, edition: str
) -> None:
    assert report_edition(_submitted_under(report, plan)) == edition


def test_the_certificate_edition_is_framed_and_titled_on_the_page_and_in_the_pdf(
    report: Report, tmp_path: Path
) -> None:
    document = report.document
    standard_page = Client().get(reverse("public:report", args=[report.public_token]))
    assert b"report--standard" in standard_page.content
    assert "certificateofauthentication" not in _pdf_text(report, tmp_path)

    exclusive = _submitted_under(report, "pass-annual")
    page = Client().get(reverse("public:report", args=[exclusive.public_token]))
    assert b"report--exclusive" in page.content
    assert b"Certificate of authentication" in page.content
    assert "certificateofauthentication" in _pdf_text(exclusive, tmp_path)
    assert exclusive.document == document


def test_the_edition_ends_when_the_report_passes_on_with_the_item(
    report: Report,
    stranger,  # noqa: ANN001
) -> None:
    exclusive = _submitted_under(report, "diamond")
    assert report_edition(exclusive) == "exclusive"
    # What an accepted transfer records (passports): the report's new holder.
    Submission.objects.filter(pk=report.submission_id).update(holder=stranger)
    passed_on = Report.objects.get(pk=report.pk)
    assert report_edition(passed_on) == "standard"
    page = Client().get(reverse("public:report", args=[passed_on.public_token]))
    assert b"Certificate of authentication" not in page.content
