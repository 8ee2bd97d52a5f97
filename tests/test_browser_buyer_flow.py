"""The buyer's photo step, prices and status page in headless Chromium, on a desktop and on a
390×844 phone, against the real server (issue 16). Screenshots go to
``test-artifacts/browser-buyer/``."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any, cast

import pytest

from appraisals.models import Submission, SubmissionPhoto
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import expert, to_expert_queue
from members.models import User
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import assert_accessible, browser, chain, server, sign_in  # noqa: F401
from tests.photos import blurry_jpeg, good_jpeg
from tests.servers import ROOT, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-buyer"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module", autouse=True)
def artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)


def _buyer_page(chromium: Any, base: str, *, phone: bool = False) -> tuple[Any, User]:
    buyer = cast(User, UserFactory(email=f"buyer{User.objects.count()}@example.com"))
    options = {"viewport": PHONE, "is_mobile": True} if phone else {"viewport": DESKTOP}
    page = chromium.new_page(**options)
    sign_in(page, base, buyer.email, str(PASSWORD))
    return page, buyer


def _shot(page: Any, name: str) -> None:
    """A full-page screenshot once every photo has loaded (lazy ones below the fold too)."""
    page.evaluate(
        "document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
    )
    wait_for(
        lambda: page.evaluate("Array.from(document.images).every(i => i.complete)"),
        10,
        "the photos to load",
    )
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _assert_no_sideways_scroll(page: Any, name: str) -> None:
    overflow = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"{name} scrolls sideways: {overflow}"


def _in_queue(owner: User, category: Any, *, tier: str = "standard") -> Submission:
    """Submitted here, then handed to the queue as the routing would (the test photos are not
    of a real item, so the AI's answer is not what this test is about)."""
    submission = draft_for(owner, category, with_photos=True)
    submission_details_update(
        submission=submission, serial_code="", tier=tier, declared_value_eur=2400
    )
    submit_paying(submission)  # its owner pays what their plan does not cover
    return to_expert_queue(submission)


def test_it_shows_a_retaken_photo_at_once_not_the_rejected_one(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
    tmp_path: Path,
) -> None:
    page, buyer = _buyer_page(browser, server)
    submission = draft_for(buyer, catalog["handbag"])
    slot = catalog["handbag"].slots.order_by("position").first()
    blurry, good = tmp_path / "blurry.jpg", tmp_path / "good.jpg"
    blurry.write_bytes(blurry_jpeg(0))
    good.write_bytes(good_jpeg(0))
    page.goto(f"{server}/submissions/{submission.uid}/photos/")

    page.set_input_files(f"#slot-{slot.code} input[type=file]", str(blurry))
    page.wait_for_selector(f"#slot-{slot.code} .verdict--retake")
    image = f"#slot-{slot.code} .slot__pic img"
    wait_for(lambda: page.eval_on_selector(image, "i => i.complete && i.naturalWidth > 0"), 10,
             "the rejected photo to show")  # fmt: skip
    rejected_src = page.get_attribute(image, "src")
    _shot(page, "01-photo-rejected")

    page.set_input_files(f"#slot-{slot.code} input[type=file]", str(good))
    page.wait_for_selector(f"#slot-{slot.code} .verdict--ok")
    wait_for(lambda: page.eval_on_selector(image, "i => i.complete && i.naturalWidth > 0"), 10,
             "the retaken photo to show")  # fmt: skip
    _shot(page, "02-photo-retaken")

    retaken_src = page.get_attribute(image, "src")
    assert retaken_src != rejected_src
    # What the browser shows for the <img>, from its cache if it has one: the new photo.
    shown = page.evaluate(
        "src => fetch(src, {cache: 'force-cache'}).then(r => r.arrayBuffer())"
        ".then(b => Array.from(new Uint8Array(b)))",
        page.eval_on_selector(image, "i => i.currentSrc"),
    )
    photo = SubmissionPhoto.objects.get(submission=submission, slot=slot)
    assert photo.quality_ok
    assert hashlib.sha256(bytes(shown)).hexdigest() == photo.sha256


def test_it_refuses_to_leave_the_photo_step_with_required_photos_missing(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
    tmp_path: Path,
) -> None:
    page, buyer = _buyer_page(browser, server, phone=True)
    handbag = catalog["handbag"]
    submission = draft_for(buyer, handbag)
    required = list(handbag.slots.filter(required=True).order_by("position"))
    page.goto(f"{server}/submissions/{submission.uid}/photos/")

    # Before leaving: the step names what is still needed, by the Continue button.
    todo = page.inner_text("#photos-todo")
    for slot in required:
        assert slot.name in todo
    _assert_no_sideways_scroll(page, "the photo step")
    for box in page.eval_on_selector_all(
        "label.slot__add", "els => els.map(e => e.getBoundingClientRect().height)"
    ):
        assert box >= 44, f"an Add photo target is {box}px tall"
    _shot(page, "03-phone-photos-empty")
    assert_accessible(page, "the photo step")

    page.click("#photos-continue")
    page.wait_for_selector("#photos-refused")
    assert page.url.endswith(f"/submissions/{submission.uid}/photos/continue/")
    refused = page.inner_text("#photos-refused")
    for slot in required:
        assert slot.name in refused
    _shot(page, "04-phone-continue-refused")

    # One photo in: the to-do line follows without a reload.
    first = required[0]
    photo = tmp_path / "first.jpg"
    photo.write_bytes(good_jpeg(0))
    page.goto(f"{server}/submissions/{submission.uid}/photos/")
    page.set_input_files(f"#slot-{first.code} input[type=file]", str(photo))
    page.wait_for_selector(f"#slot-{first.code} .verdict--ok")
    wait_for(lambda: first.name not in page.inner_text("#photos-todo"), 10, "the to-do line")
    assert required[1].name in page.inner_text("#photos-todo")


def test_it_shows_the_price_and_the_queue_place_until_an_expert_takes_the_case(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
) -> None:
    page, buyer = _buyer_page(browser, server)
    draft = draft_for(buyer, catalog["handbag"], with_photos=True)

    # The tier choice says what each costs; the summary repeats it with the declared value.
    page.goto(f"{server}/submissions/{draft.uid}/details/")
    assert page.inner_text(".tier-price[data-tier=standard]") == "€29.00"
    assert page.inner_text(".tier-price[data-tier=express]") == "€59.00"
    page.fill("#id_declared_value_eur", "2400")
    page.get_by_label("Express (2 h)").check()
    _shot(page, "05-tier-prices")
    assert_accessible(page, "the tier choice")
    page.get_by_role("button", name="Save and review").click()
    page.wait_for_url("**/review/")
    assert page.inner_text("#review-price") == "€59.00"
    assert page.inner_text("#review-declared-value").startswith("€2,400.00")
    _shot(page, "06-review-summary")
    assert_accessible(page, "the review summary")

    first = _in_queue(buyer, catalog["handbag"])
    second = _in_queue(buyer, catalog["handbag"])
    page.goto(f"{server}/submissions/{second.uid}/")
    line = page.inner_text(".statusline")
    assert "waiting for an expert" in line and "number 2 in the queue" in line
    assert "reviewing" not in line
    assert page.inner_text("#status-price") == "€29.00"
    _shot(page, "07-status-waiting")
    assert_accessible(page, "the status page")

    seat = review_services.review_take_next(expert=expert())
    assert seat is not None and seat.submission_id == first.pk
    page.goto(f"{server}/submissions/{first.uid}/")
    assert "An expert is reviewing your item." in page.inner_text(".statusline")
    timeline = page.inner_text("#timeline")
    assert "Expert assigned" in timeline
    _shot(page, "08-status-with-expert")

    phone = browser.new_page(viewport=PHONE, is_mobile=True)
    phone.context.add_cookies(page.context.cookies())
    pages = ("new/", f"{draft.uid}/item/", f"{draft.uid}/photos/", f"{draft.uid}/details/",
             f"{draft.uid}/review/", f"{first.uid}/", "")  # fmt: skip
    for path in pages:
        phone.goto(f"{server}/submissions/{path}")
        _assert_no_sideways_scroll(phone, path or "my submissions")
    phone.goto(f"{server}/submissions/{second.uid}/")
    assert "number 1 in the queue" in phone.inner_text(".statusline")
    _shot(phone, "09-phone-status")
