"""A report's verification page, through the presenter appraisals registers: the item
(category, brand, model), the experts' signed verdict, the date, the issuer and thumbnails of
the photos the public proof discloses, in English and Chinese, and never the serial.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import formats, translation

from appraisals.models import PhotoSlot, Report
from appraisals.selectors.reports import report_provenance_document
from appraisals.services.photos import submission_photo_upload
from appraisals.tests.factories import draft_for
from appraisals.tests.reviewing import report_signed_with_serial
from members.models import User
from provenance.models import Document
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db
TYPED = "QX7K-5853-3620"
SERIAL_FORMS = (TYPED, "QX7K58533620", "QX7K58533", "QX7K-5853")


def _page(document: Document, language: str = "en") -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(f"/verify/{document.uid}/")
    assert response.status_code == 200
    return response.content.decode()


def _thumbnails(page: str) -> list[str]:
    return re.findall(r'<img src="(/verify/[^"]+/photo/([0-9a-f]{64})\.jpg)"', page)


@pytest.fixture
def report(buyer: User, catalog: dict[str, Any]) -> Report:
    return report_signed_with_serial(buyer, catalog["handbag"], serial=TYPED)


def test_the_page_says_what_the_report_is_about_in_english_and_chinese(report: Report) -> None:
    document = report_provenance_document(report)
    assert document is not None
    submission = report.submission
    item = report.document["item"]

    english = _page(document)
    chinese = _page(document, "zh-hans")

    assert f"{item['brand']} {item['model']}</h1>" in english
    assert f"<dt>Category</dt><dd>{submission.category.name}</dd>" in english
    assert f"<dt>Brand</dt><dd>{submission.brand.name}</dd>" in english
    assert f"<dt>Model</dt><dd>{submission.product_model.name}" in english
    assert f"<dt>Report ID</dt><dd>{report.reference}</dd>" in english
    assert f"<dt>Serial or date code</dt><dd>ending {item['serial_hint']}</dd>" in english
    assert 'id="signed-verdict" data-verdict-code="authentic">Authentic<' in english
    with translation.override("en"):
        signed_on = formats.date_format(report.issued_at, "DATE_FORMAT")
    assert f'datetime="{report.issued_at.isoformat()}">{signed_on}</time>' in english
    assert "<strong>authplatform</strong>" in english and document.signer in english
    assert "Authentication report" in english

    photos = report.document["photos"]
    assert photos and [sha for _, sha in _thumbnails(english)] == [p["sha256"] for p in photos]
    for ref in photos:
        slot = PhotoSlot.objects.get(category=submission.category, code=ref["slot"])
        assert f'alt="Photo: {slot.name}"' in english
    for url, sha in _thumbnails(english):
        served = Client().get(url)
        assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
        assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == sha

    assert "正品" in chinese  # the signed verdict, in the reader's language
    assert "<dt>类别</dt>" in chinese and "<dt>品牌</dt>" in chinese and "<dt>型号</dt>" in chinese
    assert "鉴定报告" in chinese and "签署日期" in chinese and "签发方" in chinese
    assert f"{report.issued_at.year}年{report.issued_at.month}月{report.issued_at.day}日" in chinese
    assert len(_thumbnails(chinese)) == len(photos)
    for page in (english, chinese):
        assert [form for form in SERIAL_FORMS if form in page] == []


def test_photos_the_public_proof_keeps_private_are_neither_shown_nor_served(
    report: Report,
) -> None:
    document = report_provenance_document(report)
    assert document is not None
    shown = _thumbnails(_page(document))
    assert shown

    Document.objects.filter(pk=document.pk).update(
        private_fields=[*document.private_fields, "photos"]
    )
    page = _page(document)

    assert _thumbnails(page) == [] and "/photo/" not in page
    for url, _sha in shown:
        assert Client().get(url).status_code == 404
    # Still what the report is about, from the fields that stay public.
    assert 'id="signed-verdict" data-verdict-code="authentic">Authentic<' in page


def test_a_stored_photo_the_report_does_not_name_is_not_served_under_it(
    report: Report, buyer: User, catalog: dict[str, Any]
) -> None:
    draft = draft_for(buyer, catalog["handbag"])
    slot = catalog["handbag"].slots.order_by("position").first()
    stray = submission_photo_upload(submission=draft, slot=slot, data=good_jpeg(7))
    document = report_provenance_document(report)
    assert document is not None
    assert stray.sha256 not in {p["sha256"] for p in report.document["photos"]}

    assert Client().get(f"/verify/{document.uid}/photo/{stray.sha256}.jpg").status_code == 404
