"""The expert workstation in headless Chromium: staff upload a genuine reference photo, the
queue says how long each case has left, and an expert works a case with the photo beside the
reference, zoom, a heatmap toggle, a region marked by dragging, keyboard shortcuts, and
errors that name and mark their fields. On a desktop the page has two panes: one viewer
(thumbnails and [ / ] switch its photo; a feature shows the photo chosen for it) and the
findings in a column that stays on screen; on a phone, one column.

A screenshot of every step is kept in ``test-artifacts/browser-expert/``.
"""

from __future__ import annotations

import io
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from appraisals.models import (
    Feature,
    PreScreen,
    PreScreenPhoto,
    ReferencePhoto,
    Review,
    Submission,
)
from appraisals.selectors.references import reference_url
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import to_expert_queue
from members.roles import Role
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import assert_accessible, browser, chain, server  # noqa: F401 (fixtures)
from tests.photos import good_jpeg
from tests.servers import ROOT, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-expert"
FEATURES = [feature.value for feature in Feature]


def _case(owner: Any, category: Any, *, due_in: timedelta, priority: int) -> Submission:
    submission = draft_for(owner, category, with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")
    submit_paying(submission)  # its owner pays what their plan does not cover
    to_expert_queue(submission, priority=priority)
    submission.due_at = timezone.now() + due_in
    submission.save(update_fields=["due_at"])
    return submission


def _screened(submission: Submission, model_version: Any) -> None:
    """The AI's evidence on the case, as the pre-screen leaves it: a heatmap per photo (the
    pre-screen may have run on submission already)."""
    if submission.prescreens.filter(round=submission.round).exists():
        return
    prescreen = PreScreen.objects.create(
        submission=submission, round=submission.round, model_version=model_version,
        probability=0.12, band="low", review_depth="single", reasons=["Looks consistent."],
    )  # fmt: skip
    for photo in submission.photos.all():
        heat = Image.new("RGB", (photo.width, photo.height), (200, 30, 30))
        buffer = io.BytesIO()
        heat.save(buffer, format="JPEG")
        score = PreScreenPhoto(
            prescreen=prescreen, photo=photo, probability=0.1, feature_scores={"stitching": 0.2}
        )
        score.heatmap.save("heatmap.jpg", ContentFile(buffer.getvalue()), save=False)
        score.save()


def _admin_sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state()


def _loaded(page: Any, selector: str) -> bool:
    return bool(
        page.evaluate(
            f"Array.from(document.querySelectorAll({selector!r}))"
            ".every(i => i.complete && i.naturalWidth > 0)"
        )
    )


def _shown(page: Any) -> list[str]:
    """The photo ids of the panels the viewer shows."""
    return list(
        page.evaluate(
            "Array.from(document.querySelectorAll('.ws-panel'))"
            ".filter(p => p.offsetParent !== null).map(p => p.dataset.photo)"
        )
    )


def _in_view(page: Any, selector: str) -> bool:
    """Whether the element is (at least partly) inside the browser's viewport."""
    return bool(
        page.evaluate(
            f"(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();"
            " return r.bottom > 0 && r.top < window.innerHeight && r.height > 0"
            " && r.right > 0 && r.left < window.innerWidth; })()"
        )
    )


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def test_an_expert_works_a_case_at_the_workstation(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    catalog: Any,
    active_model: Any,
    tmp_path: Path,
) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    shots = iter(range(1, 100))

    def shot(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-{name}.png"), full_page=True)

    buyer = UserFactory(email="buyer.ws@example.com")
    case = _case(buyer, catalog["handbag"], due_in=timedelta(days=1, minutes=5), priority=10)
    late = _case(buyer, catalog["watch"], due_in=-timedelta(hours=3, minutes=10), priority=0)
    _screened(case, active_model)
    first_slot = case.photos.order_by("slot__position").first().slot

    # Staff upload a genuine reference photo for the case's model line and first slot; a file
    # that is not an image is refused with a clear message.
    curator = UserFactory(email="curator@example.com", roles=[Role.STAFF])
    curator.user_permissions.add(*Permission.objects.filter(codename__endswith="_referencephoto"))
    staff = browser.new_page(viewport={"width": 1280, "height": 1000})
    _admin_sign_in(staff, server, curator.email)
    staff.goto(f"{server}/admin/appraisals/referencephoto/add/")
    not_an_image = tmp_path / "notes.jpg"
    not_an_image.write_bytes(b"these are notes, not a photo")
    staff.select_option("#id_brand", str(case.brand_id))
    staff.select_option("#id_product_model", str(case.product_model_id))
    staff.select_option("#id_slot", str(first_slot.pk))
    staff.fill("#id_caption", "Genuine heat stamp, 2019")
    staff.set_input_files("#id_image", str(not_an_image))
    staff.click("input[name=_save]")
    staff.wait_for_load_state()
    assert "not a photo we can read" in staff.inner_text("#content-main")
    shot(staff, "reference-refused")
    reference_file = tmp_path / "reference.jpg"
    reference_file.write_bytes(good_jpeg(2))
    staff.set_input_files("#id_image", str(reference_file))
    staff.click("input[name=_save]")
    staff.wait_for_url("**/admin/appraisals/referencephoto/")
    reference = ReferencePhoto.objects.get()
    assert reference.uploaded_by_id == curator.pk
    wait_for(lambda: _loaded(staff, "img.reference-thumb"), 20, "the reference's thumbnail")
    shot(staff, "reference-list")

    # The queue: a standard case due tomorrow has about a day left, the late one is overdue.
    UserFactory(email="expert.ws@example.com", roles=[Role.EXPERT])
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    _admin_sign_in(page, server, "expert.ws@example.com")
    page.goto(f"{server}/admin/appraisals/review/")
    due_tomorrow = page.inner_text(f"tr:has-text('{case.reference}') td.time-left")
    overdue = page.inner_text(f"tr:has-text('{late.reference}') td.time-left")
    assert due_tomorrow.startswith("1\xa0day") and "0\xa0minutes" not in due_tomorrow
    assert overdue.startswith("overdue by 3\xa0hours")
    shot(page, "queue")

    # The case page: each photo once, beside its reference; the heatmap is a toggle.
    page.click("text=Take next case")
    page.wait_for_selector("#case-form")
    seat = Review.objects.get(submission=case)
    photos = list(case.photos.order_by("slot__position"))
    assert page.locator(".ws-photo").count() == len(photos)
    assert page.locator(".prescreen img").count() == 0  # the AI table shows no photo again
    # ... and speaks to people: no internal code (the serial comparison, the review depth, the
    # model's feature names) is shown as it is stored.
    evidence = page.inner_text(".prescreen")
    assert case.prescreens.get().serial_match == "typed_missing"
    assert "typed_missing" not in evidence and "the buyer typed no serial code" in evidence
    assert "review: single" not in evidence and "review: double" not in evidence
    names = page.locator(".feature-score__name").all_inner_texts()
    assert names and not any("_" in name for name in names)
    assert page.locator(".ws-evidence[open] .prescreen").count() == 1  # folds, open at first
    first = page.locator(f"#panel-{photos[0].pk}")
    src = first.locator(".ws-reference img").get_attribute("src")
    assert src == reference_url(reference)
    assert "Genuine heat stamp, 2019" in first.inner_text()
    wait_for(lambda: _loaded(page, ".ws-photo, .ws-reference img"), 20, "the photos to load")
    # The pre-screen scores the slots it knows: their photos have a heatmap to show.
    assert page.locator(".ws-heatmap").count() == case.prescreens.get().photos.count() > 0
    screened = page.locator(".ws-panel:has(.ws-heatmap)").first
    page.click(f".ws-thumb[data-photo='{screened.get_attribute('data-photo')}']")
    heatmap = screened.locator(".ws-heatmap")
    assert heatmap.is_hidden()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("h")
    assert heatmap.is_visible()
    heatmap.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-case-heatmap-on.png"))
    page.keyboard.press("h")
    assert heatmap.is_hidden()
    page.locator(".ws-thumb").first.click()

    # One viewer: the first photo shows, the others wait behind their thumbnails (one per
    # slot, named, with the AI's score where it screened the slot).
    ids = [str(photo.pk) for photo in photos]
    assert _shown(page) == ids[:1]
    thumbs = page.locator(".ws-thumb")
    assert thumbs.count() == len(photos)
    assert thumbs.nth(1).inner_text().startswith(photos[1].slot.name)
    assert page.locator(".ws-thumb .ws-badge").count() == case.prescreens.get().photos.count()
    assert thumbs.nth(0).get_attribute("aria-current") == "true"
    thumbs.nth(2).click()
    assert _shown(page) == [ids[2]]
    assert thumbs.nth(2).get_attribute("aria-current") == "true"
    assert thumbs.nth(0).get_attribute("aria-current") is None
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("[")
    assert _shown(page) == [ids[1]]
    page.keyboard.press("]")
    page.keyboard.press("]")
    assert _shown(page) == [ids[3]]
    for _ in photos:
        page.keyboard.press("[")
    assert _shown(page) == ids[:1]  # it stops at the first photo
    assert "[" in page.inner_text("#ws-help") and "]" in page.inner_text("#ws-help")

    # Without a script the page is a plain form: every photo listed, each thumbnail a link
    # to its photo, every input there.
    plain = browser.new_page(viewport={"width": 1400, "height": 1000}, java_script_enabled=False)
    _admin_sign_in(plain, server, "expert.ws@example.com")
    plain.goto(page.url)
    assert plain.locator(".ws-panel:visible").count() == len(photos)
    assert plain.locator(".ws-thumb").first.get_attribute("href") == f"#panel-{ids[0]}"
    assert plain.locator(f"#id_{FEATURES[0]}-region_x").is_editable()
    plain.close()

    # Two panes: the viewer on the left, the findings on the right, both on screen.
    viewer, side = _box(page, "#panel-" + ids[0]), _box(page, "#ws-side")
    assert side["x"] >= viewer["x"] + viewer["width"]
    assert _in_view(page, f"#panel-{ids[0]} .ws-viewport") and _in_view(page, "#case-form")

    # Keyboard: 1/2/3 answer the current feature, j/k move between features.
    page.keyboard.press("1")
    assert page.is_checked(f"input[name='{FEATURES[0]}-result'][value='consistent']")
    page.keyboard.press("j")
    page.keyboard.press("2")
    assert page.is_checked(f"input[name='{FEATURES[1]}-result'][value='inconsistent']")
    page.keyboard.press("k")
    assert "is-current" in (page.get_attribute(f"#finding-{FEATURES[0]}", "class") or "")
    # ... but never while typing: a "3" typed in a reason is just a "3".
    page.fill(f"input[name='{FEATURES[1]}-reason']", "Font weight ")
    page.focus(f"input[name='{FEATURES[1]}-reason']")
    page.keyboard.press("End")
    page.keyboard.press("3")
    assert page.input_value(f"input[name='{FEATURES[1]}-reason']") == "Font weight 3"
    assert page.is_checked(f"input[name='{FEATURES[1]}-result'][value='inconsistent']")

    # Dragging on the photo marks the current feature's region in its inputs.
    page.locator(f"#finding-{FEATURES[0]}").focus()
    first.locator(".ws-photo").scroll_into_view_if_needed()
    box = first.locator(".ws-photo").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=5)
    page.mouse.up()
    region = {k: float(page.input_value(f"#id_{FEATURES[0]}-region_{k}")) for k in "xywh"}
    assert region == pytest.approx({"x": 0.2, "y": 0.3, "w": 0.4, "h": 0.4}, abs=0.02)
    assert page.input_value(f"#id_{FEATURES[0]}-photo") == str(photos[0].pk)
    assert first.locator(f".ws-region[data-feature='{FEATURES[0]}']").count() == 1
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("z")
    assert first.get_attribute("data-zoom") == "2.5"
    # Zoomed in, the feature being marked is still on screen beside the photo; scrolling the
    # page (down to the AI's table) keeps the findings column in view.
    assert _in_view(page, f"#panel-{ids[0]} .ws-viewport")
    assert _in_view(page, f"#finding-{FEATURES[0]}")
    page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-case-zoomed-viewport.png"))
    shot(page, "case-zoomed-and-marked")
    # Zoomed in, the photo pans in "move" mode (a drag there marks nothing).
    first.locator(".ws-mode").click()
    stage = first.locator(".ws-stage")
    before = stage.evaluate("element => element.style.transform")
    first.locator(".ws-viewport").scroll_into_view_if_needed()
    view = first.locator(".ws-viewport").bounding_box()
    assert view is not None
    centre_x, centre_y = view["x"] + view["width"] / 2, view["y"] + view["height"] / 2
    page.mouse.move(centre_x, centre_y)
    page.mouse.down()
    page.mouse.move(centre_x + 60, centre_y + 40, steps=5)
    page.mouse.up()
    assert stage.evaluate("element => element.style.transform") != before
    assert float(page.input_value(f"#id_{FEATURES[0]}-region_x")) == pytest.approx(0.2, abs=0.02)
    first.locator(".ws-mode").click()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("z")
    assert first.get_attribute("data-zoom") == "1"

    # Choosing a photo for a feature shows it; moving to a feature (j/k) shows its photo, and
    # a feature with none leaves the viewer as it is.
    page.select_option(f"#id_{FEATURES[2]}-photo", ids[1])
    assert _shown(page) == [ids[1]]
    page.locator("body").click(position={"x": 5, "y": 5})
    page.locator(f"#finding-{FEATURES[2]}").focus()
    page.keyboard.press("k")  # FEATURES[1]: no photo chosen
    assert _shown(page) == [ids[1]]
    page.keyboard.press("k")  # FEATURES[0]: marked on the first photo
    assert _shown(page) == [ids[0]]
    assert "is-current" in (
        first.locator(f".ws-region[data-feature='{FEATURES[0]}']").get_attribute("class") or ""
    )
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert _shown(page) == [ids[1]]
    page.keyboard.press("k")
    page.keyboard.press("k")
    assert _shown(page) == [ids[0]]

    # The findings column scrolls on its own: the photo does not move; and scrolling the page
    # to its end leaves the findings on screen.
    photo_top = _box(page, f"#panel-{ids[0]} .ws-viewport")["y"]
    page.evaluate("document.getElementById('ws-side').scrollTop = 600")
    assert page.evaluate("document.getElementById('ws-side').scrollTop") > 0
    assert _box(page, f"#panel-{ids[0]} .ws-viewport")["y"] == photo_top
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("window.scrollY") > 0
    side = _box(page, "#ws-side")
    assert side["y"] <= 1 and side["y"] + side["height"] >= 900  # it fills the screen
    assert _in_view(page, "#case-form")
    page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-case-scrolled-to-the-ai-table.png"))
    page.evaluate("window.scrollTo(0, 0)")
    page.select_option(f"#id_{FEATURES[2]}-photo", "")

    # Every other finding by keyboard; the condition with two boxes left empty.
    for index, feature in enumerate(FEATURES):
        page.locator(f"#finding-{feature}").focus()
        if index != 1:
            page.keyboard.press("1")
        page.fill(f"input[name='{feature}-reason']", f"{feature} as on the reference")
    page.select_option("select[name='condition-grade']", "very_good")
    page.fill("textarea[name='condition-wear_notes']", "Light rubbing on two corners.")
    page.click("input[name=save]")
    page.wait_for_selector("#case-errors")
    summary = page.inner_text("#case-errors")
    assert summary.count("Repairs") == 1 and summary.count("Replaced parts") == 1
    repairs = page.locator("#id_condition-repairs")
    assert repairs.get_attribute("aria-invalid") == "true"
    assert repairs.get_attribute("aria-describedby") == "id_condition-repairs_error"
    page.click("#case-errors a[href='#id_condition-repairs']")
    assert page.evaluate("document.activeElement.id") == "id_condition-repairs"
    shot(page, "case-errors")
    assert_accessible(page, "the case page with errors")
    # On a phone the page does not scroll sideways: photo above reference, findings stacked.
    page.set_viewport_size({"width": 390, "height": 844})
    sideways = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    wait_for(lambda: page.evaluate(sideways) <= 0, 5, "the page to fit a phone")
    viewer, side = _box(page, ".ws-panel:not([hidden])"), _box(page, "#ws-side")
    assert side["y"] >= viewer["y"] + viewer["height"]  # one column: the findings below
    assert abs(side["x"] - viewer["x"]) < 30 and side["width"] <= 390
    small = page.evaluate(
        "Array.from(document.querySelectorAll('.ws-thumb, .ws-panel:not([hidden]) .ws-tools"
        " .button, .ws-result label, #case-form select, #case-form input[type=text],"
        " #case-form input[type=number], #case-form input[type=submit]'))"
        ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)"
        ".map(e => e.className || e.name || e.tagName)"
    )
    assert small == []
    shot(page, "case-on-a-phone")
    page.screenshot(path=str(ARTIFACTS / f"{next(shots):02d}-case-on-a-phone-viewport.png"))
    assert_accessible(page, "the case page on a phone")
    page.set_viewport_size({"width": 1400, "height": 1000})

    page.fill("textarea[name='condition-repairs']", "None seen.")
    page.fill("textarea[name='condition-replaced_parts']", "None seen.")
    page.check("input[name='sign-verdict'][value='authentic']")
    page.click("input[name=sign]")
    page.wait_for_url("**/admin/appraisals/review/")
    seat.refresh_from_db()
    assert seat.state == Review.State.SIGNED
    marked = seat.findings.get(feature=FEATURES[0])
    assert marked.photo_id == photos[0].pk and marked.region is not None
    assert seat.findings.get(feature=FEATURES[1]).result == "inconsistent"
    shot(page, "signed")
