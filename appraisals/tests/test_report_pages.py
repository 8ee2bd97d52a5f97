"""The signed report where buyers and strangers read it: page, JSON, bundle, PDF, QR."""

from __future__ import annotations

import hashlib
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from appraisals.models import Feature, Report
from appraisals.report_pages import report_radar
from appraisals.services import reviews as review_services
from appraisals.tests.reviewing import case_in_queue, expert, sign
from tests.tools import require_tool

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def report(buyer, catalog) -> Report:  # noqa: ANN001
    case_in_queue(buyer, catalog["handbag"])
    alice = expert(full_name="Alice Expertname")
    sign(review_services.review_take_next(expert=alice), alice, "authentic")
    return Report.objects.get()


def test_anyone_reads_the_report_without_personal_data(report, buyer) -> None:  # noqa: ANN001
    response = Client().get(reverse("public:report", args=[report.public_token]))
    assert response.status_code == 200
    html = response.content.decode()
    assert report.reference in html and report.sha256 in html and "Authentic" in html
    for private in (buyer.email, buyer.full_name, "Alice Expertname"):
        assert private not in html
    assert html.count('class="axis"') == len(Feature)  # the radar, inline
    assert "<svg" in html and "Scan to verify" in html
    assert Client().get("/r/not-a-real-token/").status_code == 404


def test_the_owner_may_choose_to_show_their_name(report, buyer) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(buyer)
    client.post(reverse("public:report-owner-name", args=[report.public_token]), {"show": "1"})
    html = Client().get(reverse("public:report", args=[report.public_token])).content.decode()
    assert buyer.full_name in html


def test_a_stranger_cannot_change_the_name_setting(report, stranger) -> None:  # noqa: ANN001
    client = Client()
    client.force_login(stranger)
    url = reverse("public:report-owner-name", args=[report.public_token])
    assert client.post(url, {"show": "1"}).status_code == 404


def test_the_report_page_has_a_fixed_query_count(report, django_assert_num_queries) -> None:  # noqa: ANN001
    client = Client()
    url = reverse("public:report", args=[report.public_token])
    # The report, its photos, the version that supersedes it (if any), its provenance record
    # and any revocation of it, then what the apps above add: its resolved disputes, and its
    # passport event with its item; and the edition of the plan it was submitted under.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200


def test_the_report_page_says_where_its_anchor_stands(report) -> None:  # noqa: ANN001
    from provenance.models import Document

    page = Client().get(reverse("public:report", args=[report.public_token])).content.decode()

    document = Document.objects.get(doc_id=str(report.uid))
    # The anchored commitment is the signed document plus the serial (none here), private.
    assert document.body == {**report.document, "item": {**report.document["item"], "serial": None}}
    assert document.private_fields == ["item.serial"]
    assert "Pending anchor, expected by" in page
    assert f'href="/verify/{document.uid}/"' in page
    passport = report.passport_events.get().item
    assert f'href="/p/{passport.public_token}/"' in page


def test_the_canonical_json_hashes_to_the_published_hash(report) -> None:  # noqa: ANN001
    data = Client().get(reverse("public:report-json", args=[report.public_token])).content
    assert hashlib.sha256(data).hexdigest() == report.sha256
    assert json.loads(data) == report.document


def test_the_downloaded_bundle_verifies_offline_and_a_changed_field_fails(
    report, tmp_path: Path, capsys
) -> None:  # noqa: ANN001
    data = Client().get(reverse("public:report-bundle", args=[report.public_token])).content
    path = tmp_path / "report.signed.json"
    path.write_bytes(data)
    call_command("verify_report", str(path))
    assert "OK" in capsys.readouterr().out
    tampered = json.loads(data)
    tampered["document"]["verdict"]["result"] = "counterfeit"
    path.write_text(json.dumps(tampered))
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_report", str(path))
    assert exit_.value.code == 1
    assert "changed" in capsys.readouterr().out


def test_the_radar_svg_is_valid_xml_with_one_axis_per_feature(report) -> None:  # noqa: ANN001
    root = ET.fromstring(report_radar(report.document))
    assert root.tag == f"{SVG}svg"
    axes = root.findall(f".//{SVG}line[@class='axis']")
    assert len(axes) == len(Feature)


def test_the_qr_code_is_svg(report) -> None:  # noqa: ANN001
    response = Client().get(reverse("public:report-qr", args=[report.public_token]))
    assert response["Content-Type"] == "image/svg+xml"
    assert ET.fromstring(response.content).tag == f"{SVG}svg"


def test_the_pdf_holds_the_verdict_the_findings_and_the_report_id(report, tmp_path) -> None:  # noqa: ANN001
    require_tool("pdftotext", package="poppler-utils")
    response = Client().get(reverse("public:report-pdf", args=[report.public_token]))
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert report.reference in text and "Authentic" in text
    for feature in Feature:
        assert str(feature.label) in text
    assert report.sha256[:32] in text.replace("\n", "").replace(" ", "")


def test_the_page_and_the_pdf_come_in_chinese(report, tmp_path) -> None:  # noqa: ANN001
    require_tool("pdftotext", package="poppler-utils")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = client.get(reverse("public:report", args=[report.public_token])).content.decode()
    assert "正品" in html and 'lang="zh-hans"' in html
    response = client.get(reverse("public:report-pdf", args=[report.public_token]))
    pdf = tmp_path / "report-zh.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "正品" in text and report.reference in text


def test_the_owner_downloads_a_partial_proof_that_verifies(report, buyer, stranger) -> None:  # noqa: ANN001
    from provenance.bundles import bundle_check

    client = Client()
    client.force_login(buyer)
    detail = client.get(reverse("appraisals:submission-detail", args=[report.submission.uid]))
    assert 'value="item.serial"' in detail.content.decode()
    url = reverse("public:report-proof", args=[report.public_token])

    response = client.get(url, {"field": ["verdict.result", "item.brand"]})

    assert response.status_code == 200
    bundle = json.loads(response.content)
    assert {f["key"] for f in bundle["fields"]} == {"type", "id", "verdict.result", "item.brand"}
    result = bundle_check(bundle, trusted_signers=[report.signer])
    assert result.ok, result.steps
    assert result.document["item"] == {"brand": report.document["item"]["brand"]}
    assert "serial" not in response.content.decode()

    unknown = client.get(url, {"field": ["verdict.result", "owner.password"]})
    assert unknown.status_code == 400
    assert "Unknown field(s): owner.password" in unknown.json()["error"]["message"]
    assert client.get(url).status_code == 400
    other = Client()
    other.force_login(stranger)
    assert other.get(url, {"field": ["verdict.result"]}).status_code == 404
