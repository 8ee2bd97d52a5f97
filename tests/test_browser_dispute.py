"""A dispute in headless Chromium against the real server: the holder opens it with a photo,
staff send it to blind re-appraisal in the admin, a re-appraiser sees the complaint but not
the original opinion. Screenshots go to ``test-artifacts/browser-dispute/``."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from appraisals.models import Report, Review
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import complete_opinion, expert, to_expert_queue
from disputes.models import Dispute
from members.roles import Role
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import browser, chain, server  # noqa: F401 (fixtures)
from tests.photos import good_jpeg
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-dispute"
MARKER = "ORIGINAL-WEAR-NOTE-5521"


def _sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_a_holder_disputes_and_a_reappraiser_works_blind(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
    tmp_path: Path,
) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    buyer = UserFactory(email="holder@example.com")
    # Submitted in this process, then handed to the queue as the routing would (the test
    # photos are not of a real item, so the AI would ask for retakes).
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")
    submit_paying(submission)  # its owner pays what their plan does not cover
    to_expert_queue(submission)
    examiners = 0
    while (seat := review_services.review_take_next(
        expert=(who := expert(email=f"original{examiners}@example.com"))
    )) is not None:  # fmt: skip
        examiners += 1
        complete_opinion(seat, who)
        review_services.review_condition_save(
            review=seat, expert=who, grade="good", wear_notes=MARKER, repairs="None seen.",
            replaced_parts="None seen.",
        )  # fmt: skip
        review_services.review_sign(review=seat, expert=who, verdict="authentic")
    report = Report.objects.get(submission=submission)

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, server, buyer.email)
    page.goto(f"{server}/submissions/{submission.uid}/")
    page.click("text=Dispute this report")
    page.check("input[name=reason][value=wrong_verdict]")
    page.fill("#id_description", "The heat stamp is thicker than on my other bag of that year.")
    photo = tmp_path / "stamp.jpg"
    photo.write_bytes(good_jpeg(5))
    page.set_input_files("#id_photos", str(photo))
    page.screenshot(path=str(ARTIFACTS / "01-dispute-form.png"), full_page=True)
    page.click("text=Open the dispute")
    page.wait_for_selector("#dispute-state")
    dispute = Dispute.objects.get()
    assert page.get_attribute("#dispute-state", "data-state") == "triage"
    assert "To be resolved by" in page.inner_text("#dispute-sla")
    assert dispute.evidence.count() == 1
    page.screenshot(path=str(ARTIFACTS / "02-dispute-page.png"), full_page=True)

    UserFactory(email="ops@example.com", roles=[Role.STAFF])
    staff = browser.new_page(viewport={"width": 1400, "height": 1000})
    staff.goto(f"{server}/admin/login/")
    staff.fill("#id_username", "ops@example.com")
    staff.fill("#id_password", PASSWORD)
    staff.click("input[type=submit]")
    staff.goto(f"{server}/admin/disputes/dispute/{dispute.pk}/change/")
    staff.check("input[name=decision][value=reappraise]")
    staff.screenshot(path=str(ARTIFACTS / "03-triage.png"), full_page=True)
    staff.click("input[name=triage]")
    staff.wait_for_selector("#dispute-state")
    dispute.refresh_from_db()
    assert dispute.state == Dispute.State.REAPPRAISAL

    expert(email="fresh@example.com")
    reviewer = browser.new_page(viewport={"width": 1400, "height": 1000})
    reviewer.goto(f"{server}/admin/login/")
    reviewer.fill("#id_username", "fresh@example.com")
    reviewer.fill("#id_password", PASSWORD)
    reviewer.click("input[type=submit]")
    reviewer.goto(f"{server}/admin/appraisals/review/")
    assert "dispute re-appraisal" in reviewer.inner_text("#review-queue")
    reviewer.click("text=Take next case")
    reviewer.wait_for_selector("#dispute-brief")
    case = reviewer.content()
    assert "thicker than on my other bag" in case
    assert MARKER not in case and report.reference not in case
    reviewer.screenshot(path=str(ARTIFACTS / "04-reappraisal-case.png"), full_page=True)
    seats = Review.objects.filter(reappraisal=dispute.reappraisal, state=Review.State.CLAIMED)
    assert seats.count() == 1
