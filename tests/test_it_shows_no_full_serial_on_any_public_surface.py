"""A serial read off a public page is what let a stranger take over an owner's passport. No
public page, JSON, PDF, proof bundle or API answer carries a full serial; the owner, signed in,
still sees it on the case page and may disclose it in a proof of their choice.

A distinctive serial is typed, and every body is searched for it (typed, normalised, and all
but its last three characters, which the pages show as a hint).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from api.tests.conftest import api_for, partner_make
from appraisals.models import Report
from appraisals.selectors.reports import report_provenance_document
from appraisals.tests.reviewing import (
    report_signed_with_serial,
    reports_signed_as_before_private_serials,
)
from members.models import User
from provenance.bundles import bundle_check
from provenance.selectors import bundle_for
from tests.tools import require_tool

pytestmark = pytest.mark.django_db
TYPED = "QX7K-5853-3620"
SERIAL = "QX7K58533620"
HINT = "•••••••••620"


def _leaks(text: str) -> list[str]:
    return [form for form in (TYPED, SERIAL, SERIAL[:-3], TYPED[:-4]) if form in text]


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    require_tool("pdftotext", package="poppler-utils")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(content)
    run = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    return run.stdout


def _public_bodies(report: Report, tmp_path: Path) -> dict[str, str]:
    """Every public surface of the report, its passport and its proofs, as text."""
    anyone = Client()
    token = report.public_token
    document = report_provenance_document(report)
    assert document is not None
    item = report.passport_events.get().item
    bodies = {
        "report page": anyone.get(reverse("public:report", args=[token])),
        "report.json": anyone.get(reverse("public:report-json", args=[token])),
        "signed.json": anyone.get(reverse("public:report-bundle", args=[token])),
        "verify page": anyone.get(reverse("provenance:verify-page", args=[document.uid])),
        "verify JSON": anyone.get(reverse("provenance:verify-api", args=[document.uid])),
        "verify bundle": anyone.get(reverse("provenance:verify-bundle", args=[document.uid])),
        "passport page": anyone.get(reverse("passports:public", args=[item.public_token])),
    }
    for event in item.events.all():
        uid = event.document.uid
        bodies[f"event {uid} JSON"] = anyone.get(reverse("provenance:verify-api", args=[uid]))
    texts = {name: response.content.decode() for name, response in bodies.items()}
    pdf = anyone.get(reverse("public:report-pdf", args=[token]))
    assert pdf.status_code == 200
    texts["report.pdf"] = _pdf_text(pdf.content, tmp_path)
    # The API, to a partner that has nothing to do with the report.
    outsider = api_for(partner_make("Outside Market"), "verify", "reports:read")
    public_bundle = json.loads(texts["verify bundle"])
    texts["API passport"] = outsider.get(f"/api/v1/passports/{item.public_token}/").content.decode()
    texts["API verify"] = outsider.get(f"/api/v1/verify/{report.uid}/").content.decode()
    posted = outsider.post("/api/v1/verify/", {"bundle": public_bundle})
    assert posted.status_code == 200 and posted.json()["ok"], posted.json()
    texts["API verify bundle"] = posted.content.decode()
    return texts


def test_no_public_surface_shows_the_serial_but_the_owner_sees_and_may_prove_it(
    buyer: User, catalog: dict[str, Any], tmp_path: Path
) -> None:
    report = report_signed_with_serial(buyer, catalog["handbag"], serial=TYPED)

    texts = _public_bodies(report, tmp_path)

    leaks = {name: found for name, text in texts.items() if (found := _leaks(text))}
    assert leaks == {}
    assert HINT in texts["report page"] and HINT in texts["report.pdf"]
    assert HINT in texts["passport page"]
    # The signed document is still public, whole and verifiable: the hint is what it signs.
    assert json.loads(texts["report.json"])["item"]["serial_hint"] == HINT
    signed = Client().get(reverse("public:report-bundle", args=[report.public_token]))
    assert signed.status_code == 200
    # The commitment holds the serial as a salted leaf that the default disclosure leaves out.
    document = report_provenance_document(report)
    assert document is not None and document.body["item"]["serial"] == TYPED
    default = bundle_for(document)
    assert "item.serial" not in {row["key"] for row in default["fields"]}
    assert bundle_check(default).ok

    # The owner, signed in, sees the full serial on the case page and may prove it.
    owner = Client()
    owner.force_login(buyer)
    case_page = owner.get(reverse("appraisals:submission-detail", args=[report.submission.uid]))
    assert TYPED in case_page.content.decode()
    proof = owner.get(
        reverse("public:report-proof", args=[report.public_token]),
        {"field": ["item.serial", "verdict.result"]},
    )
    assert proof.status_code == 200
    checked = bundle_check(json.loads(proof.content), trusted_signers=[report.signer])
    assert checked.ok and checked.document["item"] == {"serial": TYPED}


def test_an_older_report_with_the_serial_in_its_signed_file_keeps_that_file_to_its_owner(
    buyer: User, stranger: User, catalog: dict[str, Any], tmp_path: Path, monkeypatch: Any
) -> None:
    # A report as issued before serials became private: the full serial in the signed
    # document. Its provenance record marks the serial private, as the migration does.
    reports_signed_as_before_private_serials(monkeypatch, serial=TYPED)
    report = report_signed_with_serial(buyer, catalog["handbag"], serial=TYPED)
    assert report.document["item"]["serial"] == TYPED

    texts = _public_bodies(report, tmp_path)

    leaks = {name: found for name, text in texts.items() if (found := _leaks(text))}
    assert leaks == {}
    assert HINT in texts["report page"]
    assert 'id="signed-file-private"' in texts["report page"]
    assert "report.json" not in texts["report page"]
    for name in ("public:report-json", "public:report-bundle"):
        assert Client().get(reverse(name, args=[report.public_token])).status_code == 403
    stranger_client = Client()
    stranger_client.force_login(stranger)
    url = reverse("public:report-json", args=[report.public_token])
    assert stranger_client.get(url).status_code == 403
    owner = Client()
    owner.force_login(buyer)
    assert TYPED in owner.get(url).content.decode()
