"""A corrected report's old version points to its successor at once, before the correction is
anchored: its public page (English and Chinese), its verification page and JSON. (The API's
verify answer names it in ``superseded_by``: api/tests/test_reports_api.py.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraisals.selectors.reports import report_provenance_document
from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import report_signed_with_serial

pytestmark = pytest.mark.django_db


def test_it_links_an_old_report_to_its_successor(buyer: Any, catalog: dict[str, Any]) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial="SN-4242")
    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped.",
    )
    old_proof = report_provenance_document(report)
    new_proof = report_provenance_document(corrected)
    assert old_proof is not None and new_proof is not None

    english = Client().get(f"/r/{report.public_token}/").content.decode()
    assert f'href="/r/{corrected.public_token}/"' in english
    assert corrected.reference in english and "Read the current version" in english
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/r/{report.public_token}/")
    assert f'href="/r/{corrected.public_token}/"' in chinese.content.decode()
    assert "查看当前版本" in chinese.content.decode()

    verify = Client().get(f"/verify/{old_proof.uid}").json()
    assert verify["successor"]["document"]["id"] == str(corrected.uid)
    page = Client().get(f"/verify/{old_proof.uid}/").content.decode()
    assert f'href="/verify/{new_proof.uid}/"' in page
    assert Client().get(f"/r/{corrected.public_token}/").status_code == 200
    assert (
        "Read the current version"
        not in Client().get(f"/r/{corrected.public_token}/").content.decode()
    )
