"""The whole buyer flow in headless Chromium against a real gunicorn server.

A screenshot of every step is kept in ``test-artifacts/browser/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from appraisals.models import Status, Submission
from tests.browser import browser, chain, server  # noqa: F401 (fixtures)
from tests.photos import blurry_jpeg, good_jpeg
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = ROOT / "test-artifacts" / "browser"


def test_a_buyer_signs_up_and_submits_a_handbag_in_the_browser(
    server: str,  # noqa: F811
    browser,  # noqa: ANN001, F811
    tmp_path: Path,
    chain,  # noqa: ANN001, F811
) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    shots = iter(range(1, 100))

    def shot(name: str, full: bool = True) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-{name}.png"), full_page=full)

    page.goto(server + "/")
    shot("home")
    page.get_by_role("link", name="Create account").first.click()
    page.fill("#id_email", "browser.buyer@example.com")
    page.fill("#id_full_name", "Browser Buyer")
    page.fill("#id_password1", "quilted-lambskin-2.55")
    page.fill("#id_password2", "quilted-lambskin-2.55")
    shot("signup")
    page.get_by_role("button", name="Create account").click()

    # Step 1: category, brand (the model list refreshes through htmx), model.
    page.wait_for_url("**/submissions/new/")
    page.get_by_label("Handbag").check()
    # The handbag brands replace all brands (Rolex makes no handbags): only then is the brand
    # chosen, or the category's answer, arriving second, would clear it.
    page.wait_for_selector("#id_brand option:text('Rolex')", state="detached")
    page.wait_for_selector("#id_brand option:text('Chanel')", state="attached")
    page.select_option("#id_brand", label="Chanel")
    page.wait_for_selector("#id_product_model option:text('Classic Flap Medium')", state="attached")
    page.fill("#model-search", "flap")
    page.wait_for_timeout(600)
    page.select_option("#id_product_model", label="Classic Flap Medium · A01112")
    shot("step1-item")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: photos, slot by slot; each card shows its verdict without a reload.
    page.wait_for_url("**/photos/")
    shot("step2-empty-slots")
    files = tmp_path / "photos"
    files.mkdir()
    blurry = files / "blurry.jpg"
    blurry.write_bytes(blurry_jpeg(0))
    page.set_input_files("#slot-front input[type=file]", str(blurry))
    page.wait_for_selector("#slot-front .verdict--retake")
    assert "Blurry" in page.inner_text("#slot-front")
    shot("step2-blurry-rejected")
    slots = page.eval_on_selector_all("article.slot", "els => els.map(e => e.id.slice(5))")
    for index, code in enumerate(slots):
        photo = files / f"{code}.jpg"
        photo.write_bytes(good_jpeg(index))
        page.set_input_files(f"#slot-{code} input[type=file]", str(photo))
        page.wait_for_selector(f"#slot-{code} .verdict--ok")
    shot("step2-all-accepted")
    page.get_by_role("button", name="Continue").click()

    # Steps 3 and 4: serial code and tier.
    page.wait_for_url("**/details/")
    page.fill("#id_serial_code", "28451234")
    # Standard: the month's free appraisal (every member's Free plan) covers it.
    page.get_by_label("Standard (24 h)").check()
    shot("step3-details")
    page.get_by_role("button", name="Save and review").click()

    # Step 5: review and submit; the status page's timeline updates itself.
    page.wait_for_url("**/review/")
    shot("step4-review")
    page.get_by_role("button", name="Submit for authentication").click()
    page.wait_for_url("**/submissions/*/")
    page.wait_for_selector(".statusline--awaiting_expert", timeout=30_000)
    assert "Photos accepted" in page.inner_text("#timeline")
    # Nobody has taken it yet: it waits for an expert (tests/test_browser_buyer_flow.py).
    assert "waiting for an expert" in page.inner_text("#timeline")
    assert "An expert is reviewing" not in page.inner_text("#timeline")
    shot("step5-status")

    page.get_by_role("link", name="My submissions").first.click()
    shot("my-submissions")

    mobile = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile.context.add_cookies(page.context.cookies())
    submission = Submission.objects.get(owner__email="browser.buyer@example.com")
    mobile.goto(f"{server}/submissions/{submission.uid}/")
    mobile.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-mobile-status.png"), full_page=True)
    assert submission.status == Status.AWAITING_EXPERT
    assert submission.tier == "standard" and submission.serial_code == "28451234"
    assert submission.product_model and submission.product_model.name == "Classic Flap Medium"

    # The expert opens the case in the admin: photo, heatmap, scores and the serial reading.
    from members.roles import Role
    from members.tests.factories import PASSWORD, UserFactory

    UserFactory(email="expert@example.com", roles=[Role.EXPERT])
    expert = browser.new_page(viewport={"width": 1400, "height": 1000})
    expert.goto(f"{server}/admin/login/")
    expert.fill("#id_username", "expert@example.com")
    expert.fill("#id_password", PASSWORD)
    expert.click("input[type=submit]")
    expert.goto(f"{server}/admin/appraisals/submission/{submission.pk}/change/")
    assert "Calibrated counterfeit probability" in expert.inner_text("body")
    expert.wait_for_function(
        "Array.from(document.querySelectorAll('img[alt=heatmap]')).every(i => i.naturalWidth > 0)"
    )
    expert.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-expert-admin.png"), full_page=True)

    # The expert takes the case from the queue, records every finding and the condition,
    # and signs; the buyer then reads the signed report, in English and in Chinese.
    expert.goto(f"{server}/admin/appraisals/review/")
    assert submission.reference in expert.inner_text("#review-queue")
    expert.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-review-queue.png"), full_page=True)
    expert.click("text=Take next case")
    expert.wait_for_selector("#case-form")
    for feature in ("brand_stamp", "stitching", "hardware", "serial", "material", "construction"):
        expert.check(f"input[name='{feature}-result'][value='consistent']")
        expert.fill(f"input[name='{feature}-reason']", f"{feature} matches the reference")
    expert.select_option("select[name='brand_stamp-photo']", index=3)
    for name, value in (("x", "0.2"), ("y", "0.3"), ("w", "0.4"), ("h", "0.3")):
        expert.fill(f"input[name='brand_stamp-region_{name}']", value)
    expert.select_option("select[name='condition-grade']", "very_good")
    expert.fill("textarea[name='condition-wear_notes']", "Light rubbing on two corners.")
    expert.fill("textarea[name='condition-repairs']", "None seen.")
    expert.fill("textarea[name='condition-replaced_parts']", "None seen.")
    expert.check("input[name='sign-verdict'][value='authentic']")
    expert.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-case-page.png"), full_page=True)
    expert.click("input[name=sign]")
    expert.wait_for_url("**/admin/appraisals/review/")
    for _ in range(2):  # a second expert when the routing asked for one
        submission.refresh_from_db()
        if submission.status == Status.COMPLETED:
            break
        UserFactory(email=f"expert{_}@example.com", roles=[Role.EXPERT])
        from appraisals.services import reviews as review_services
        from appraisals.tests.reviewing import sign
        from members.models import User

        second = User.objects.get(email=f"expert{_}@example.com")
        sign(review_services.review_take_next(expert=second), second, "authentic")
    submission.refresh_from_db()
    assert submission.status == Status.COMPLETED

    page.goto(f"{server}/submissions/{submission.uid}/")
    page.click("text=Open the report")
    page.wait_for_selector("#document-hash")
    assert page.inner_text("#verdict") == "Authentic"
    shot("report-en")
    page.select_option("#language", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.inner_text("#verdict") == "正品"
    shot("report-zh")
    page.select_option("#language", "en")
    pdf_url = page.get_attribute("a[href$='report.pdf']", "href")
    pdf = page.request.get(server + pdf_url)
    assert pdf.headers["content-type"] == "application/pdf"
    (ARTIFACTS / "report.pdf").write_bytes(pdf.body())
    # Chromium's own PDF viewer renders the first page, as a buyer opening the link sees it.
    viewer = browser.new_page(viewport={"width": 1100, "height": 1400})
    viewer.goto(server + pdf_url)
    path = ARTIFACTS / f"{next(shots):02d}-report-pdf-page1.png"
    previous = b""
    for _ in range(40):  # until two screenshots in a row agree: the page has finished drawing
        viewer.wait_for_timeout(250)
        current = viewer.screenshot(path=str(path))
        if current == previous:
            break
        previous = current
    from PIL import Image

    with Image.open(path) as rendered:
        # The viewer's grey frame alone has a handful of colours; a drawn page has hundreds.
        colours = rendered.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 200, "the PDF page did not render"

    # The report is anchored (the writer's ticks run here, against the same database), and
    # the verification page's own script checks the proof against the node in the browser.
    from provenance.anchoring import anchor_tick, web3_get

    w3 = web3_get(chain.rpc_url)
    for _ in range(4):
        assert not anchor_tick(w3=w3).error
    page.goto(f"{server}/submissions/{submission.uid}/")
    page.click("text=Open the report")
    assert page.get_attribute("#anchor-status", "data-status") == "anchored"
    assert "Anchored on chain 1337 in block" in page.inner_text("#anchor-status")
    page.click("#verify-link")
    # Folded beneath the plain-words summary: in the page, not on view.
    page.wait_for_selector("#browser-check[data-result]", state="attached")
    assert page.get_attribute("#browser-check", "data-result") == "valid"
    assert page.locator("#browser-check .step--fail").count() == 0
    # fields, batch, issuer (the contract is ours), anchor, block, transaction, revocation
    assert page.locator("#browser-check .step--ok").count() == 8
    assert page.locator("#server-check .step--fail").count() == 0
    # the same and the signature, which the browser does not check
    assert page.locator("#server-check .step--ok").count() == 9
    assert page.get_attribute("#server-outcome", "data-outcome") == "valid"
    shot("verify-page")


def test_the_api_docs_render_under_the_content_security_policy(server: str, browser) -> None:  # noqa: ANN001, F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{server}/api/docs/")

    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=30_000)
    assert "authplatform partner API" in page.inner_text(".swagger-ui .info")
    assert page.locator(".swagger-ui .opblock").count() > 10
