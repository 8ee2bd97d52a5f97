"""The verification page for people, in headless Chromium against the real server: a report's
page at 1280 px and on a phone (390×844), in English and Chinese, valid and then revoked by a
correction. It says the outcome and what the report is about, shows the disclosed photos, runs
its own check folded beneath, and never scrolls sideways. Screenshots go to
``test-artifacts/browser/verify-*.png`` (named apart, as test_browser_flow empties the folder).
"""

from __future__ import annotations

from typing import Any

import pytest

from appraisals.models import Report
from appraisals.selectors.reports import report_provenance_document
from appraisals.services import reviews as review_services
from appraisals.services.reports import report_correct
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import complete_opinion, expert, to_expert_queue
from members.tests.factories import UserFactory
from tests.browser import browser, chain, server  # noqa: F401 (fixtures)
from tests.servers import wait_for
from tests.test_browser_flow import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIAL = "VP-7731-0042-XZ"

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
DRAWN = "(img) => img.complete && img.naturalWidth > 0"


def _report(catalog: Any) -> Report:
    """A handbag with a serial, submitted in this process and signed as the routing would."""
    buyer = UserFactory(email="verify.holder@example.com")
    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code=SERIAL, tier="standard")
    submit_paying(submission)  # its owner pays what their plan does not cover
    to_expert_queue(submission)
    examiner = 0
    while (seat := review_services.review_take_next(
        expert=(who := expert(email=f"verify.expert{examiner}@example.com"))
    )) is not None:  # fmt: skip
        examiner += 1
        complete_opinion(seat, who)
        review_services.review_sign(review=seat, expert=who, verdict="authentic")
    return Report.objects.get(submission=submission, version=1)


def _anchor(chain: Any) -> None:  # noqa: F811
    from provenance.anchoring import anchor_tick, web3_get

    w3 = web3_get(chain.rpc_url)
    for _ in range(4):
        assert not anchor_tick(w3=w3).error


def _open(browser: Any, url: str, viewport: dict[str, int], language: str) -> Any:  # noqa: F811
    page = browser.new_page(viewport=viewport)
    page.goto(url)
    if language != "en":
        # The site's own switch, as a reader would use it.
        page.select_option("#language", language)
        page.wait_for_selector(f"html[lang={language}]")
    # Folded beneath the plain-words summary: in the page, not on view.
    page.wait_for_selector("#browser-check[data-result]", state="attached")
    # Thumbnails load lazily: bring each into view and wait until it is drawn. (Polled from
    # here: Playwright's in-page polling would need eval, which the CSP refuses.)
    images = page.locator("#disclosed-photos img")
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        wait_for(lambda image=image: image.evaluate(DRAWN), 10, "a thumbnail to be drawn")
    page.evaluate("window.scrollTo(0, 0)")
    return page


def _look(page: Any, name: str) -> None:
    """Screenshots folded and unfolded; neither may scroll sideways."""
    assert page.evaluate(OVERFLOW) <= 0, f"{name}: the page scrolls sideways"
    page.screenshot(path=str(ARTIFACTS / f"verify-{name}.png"), full_page=True)
    page.click("#proof-details > summary")
    assert page.locator("#proof-details[open]").count() == 1
    assert page.locator("#browser-check [data-verdict]").is_visible()
    assert page.evaluate(OVERFLOW) <= 0, f"{name}, unfolded: the page scrolls sideways"
    page.screenshot(path=str(ARTIFACTS / f"verify-{name}-details.png"), full_page=True)


def test_the_verify_page_reads_well_on_a_desktop_and_a_phone_in_both_languages(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    chain: Any,  # noqa: F811
    catalog: Any,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = _report(catalog)
    _anchor(chain)
    document = report_provenance_document(report)
    assert document is not None
    url = f"{server}/verify/{document.uid}/"
    photos = len(report.document["photos"])
    brand_and_model = f"{report.document['item']['brand']} {report.document['item']['model']}"

    for language, viewport, size in (
        ("en", DESKTOP, "1280"), ("en", PHONE, "phone"),
        ("zh-hans", DESKTOP, "1280"), ("zh-hans", PHONE, "phone"),
    ):  # fmt: skip
        page = _open(browser, url, viewport, language)
        assert page.get_attribute("#browser-check", "data-result") == "valid"
        assert page.get_attribute("#outcome", "data-outcome") == "valid"
        assert page.get_attribute("#server-outcome", "data-outcome") == "valid"
        assert page.inner_text("h1") == brand_and_model
        assert page.get_attribute("#signed-verdict", "data-verdict-code") == "authentic"
        assert page.locator("#disclosed-photos img").count() == photos
        # Folded: the checks are there, out of the way.
        assert not page.locator("#browser-check").is_visible()
        text = page.inner_text("main")
        assert SERIAL not in text and SERIAL.replace("-", "") not in text
        if language == "en":
            assert "Proof valid" in page.inner_text("#outcome")
            assert page.inner_text("#signed-verdict") == "Authentic"
        else:
            assert "证明有效" in page.inner_text("#outcome")
            assert page.inner_text("#signed-verdict") == "正品"
        _look(page, f"valid-{language}-{size}")
        page.close()

    # A correction revokes this version: its page still says what it was, marked revoked.
    report_correct(
        report=report,
        changes={"condition": {**report.document["condition"], "grade": "good"}},
        reason="The grade was mistyped.",
    )
    _anchor(chain)
    for language, viewport, size in (("en", PHONE, "phone"), ("zh-hans", DESKTOP, "1280")):
        page = _open(browser, url, viewport, language)
        assert page.get_attribute("#browser-check", "data-result") == "revoked"
        assert page.get_attribute("#outcome", "data-outcome") == "revoked"
        assert page.locator(".verify-stamp").is_visible()
        assert page.locator("#successor a").is_visible()
        assert page.inner_text("h1") == brand_and_model
        assert page.locator("#disclosed-photos img").count() == photos
        _look(page, f"revoked-{language}-{size}")
        page.close()
