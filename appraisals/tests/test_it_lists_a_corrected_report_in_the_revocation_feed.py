"""A correction's revocation in the public revocation feed: reason code, successor, and
nothing personal (no serial, no owner name or email)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from appraisals.services.reports import report_correct
from appraisals.tests.reviewing import report_signed_with_serial
from provenance.selectors import document_for

pytestmark = pytest.mark.django_db


def test_it_lists_a_corrected_report_in_the_revocation_feed(
    client: Client, buyer: Any, catalog: dict[str, Any]
) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial="SN-99887766")
    buyer.full_name = "Ottilie Privatperson"
    buyer.save(update_fields=["full_name"])
    corrected = report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped for SN-99887766.",
    )

    response = client.get("/verify/revocations.json")

    assert response.status_code == 200
    (entry,) = response.json()["entries"]
    assert entry["revoked"]["id"] == str(report.uid)
    assert entry["reason_code"] == "superseded"
    assert entry["successor"]["id"] == str(corrected.uid)
    successor = document_for(doc_type="authplatform.report", doc_id=str(corrected.uid))
    assert successor is not None and entry["successor"]["verify_id"] == str(successor.uid)
    assert entry["successor"]["verify_url"].endswith(f"/verify/{successor.uid}/")
    assert entry["revoked_at"] and entry["anchor"] is None  # not anchored yet
    text = response.content.decode()
    for private in ("99887766", buyer.email, buyer.full_name, "mistyped", "price"):
        assert private not in text
    atom = client.get("/verify/revocations.atom").content.decode()
    for private in ("99887766", buyer.email, buyer.full_name, "mistyped"):
        assert private not in atom
