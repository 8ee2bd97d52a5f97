"""The report's PDF opens on what a reader checks first: when it was issued (in the reader's
language) and a photo of the item, the front photo the signed document lists (the photos the
report discloses), never one it leaves out."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation
from django.utils.dateparse import parse_datetime

from appraisals.models import Report
from appraisals.report_pages import report_cover_photo, report_pdf
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


def _first_page(report: Report, tmp_path: Path, language: str = "en") -> tuple[str, str]:
    """The text of the PDF's first page, and pdfimages' list of the images on it."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(reverse("public:report-pdf", args=[report.public_token]))
    assert response.status_code == 200
    return _page_one(response.content, tmp_path / f"report-{language}.pdf")


def _page_one(content: bytes, pdf: Path) -> tuple[str, str]:
    require_tool("pdftotext", package="poppler-utils")
    require_tool("pdfimages", package="poppler-utils")
    pdf.write_bytes(content)
    page_one = ["-f", "1", "-l", "1"]
    text = subprocess.run(
        ["pdftotext", *page_one, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    images = subprocess.run(
        ["pdfimages", "-list", *page_one, str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return text, images


def _issued_on(report: Report, language: str) -> str:
    issued = parse_datetime(report.document["issued_at"])
    assert issued is not None
    with translation.override(language):
        return formats.date_format(issued, "DATE_FORMAT")


def test_it_puts_the_issue_date_on_the_first_page(report, tmp_path) -> None:  # noqa: ANN001
    text, _ = _first_page(report, tmp_path)

    assert "Issued" in text
    assert _issued_on(report, "en") in text


def test_it_puts_the_issue_date_on_the_first_page_in_chinese(report, tmp_path) -> None:  # noqa: ANN001
    text, _ = _first_page(report, tmp_path, "zh-hans")

    assert _issued_on(report, "zh-hans") in text


def test_it_puts_a_photo_of_the_item_on_the_first_page(report, tmp_path) -> None:  # noqa: ANN001
    # Findings may come without a photo (an issued report is immutable, so the variant is
    # rendered unsaved): the first page still shows the item.
    findings = [{**f, "photo": None} for f in report.document["findings"]]
    report.document = {**report.document, "findings": findings}

    _, images = _page_one(report_pdf(report), tmp_path / "report.pdf")

    # pdfimages -list: two header lines, then one line per image on the page.
    rows = [line for line in images.splitlines()[2:] if line.strip()]
    assert rows, images
    assert rows[0].split()[0] == "1"  # on page 1


def test_the_cover_photo_is_the_front_photo_the_report_lists(report) -> None:  # noqa: ANN001
    listed = [ref["sha256"] for ref in report.document["photos"]]
    front = report.submission.photos.get(slot__code="front")

    cover = report_cover_photo(report)

    assert cover is not None and cover.sha256 == front.sha256 and cover.sha256 in listed


def test_it_shows_no_photo_the_report_does_not_list(report) -> None:  # noqa: ANN001
    report.document = {**report.document, "photos": []}

    assert report_cover_photo(report) is None


def test_it_skips_a_photo_that_failed_its_quality_check(report) -> None:  # noqa: ANN001
    front = report.submission.photos.get(slot__code="front")
    front.quality_ok = False
    front.save(update_fields=["quality_ok"])

    cover = report_cover_photo(report)

    assert cover is not None and cover.sha256 != front.sha256
