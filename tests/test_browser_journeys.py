"""A browser walk of every journey, in English and Chinese, at 1280×900 and on a phone (390×844):
the landing page, sign-up, each submission step, the status page, the report, its verification,
the passport (public and the owner's), a dispute (new and open) and the expert's case page.

Each page must pass axe-core (no serious or critical WCAG 2.1 AA violation, contrast included),
never scroll sideways, and show where the keyboard is: the first Tab lands on a visible skip link
with a visible focus ring. On the phone, the buttons and links of the content are at least 44 px,
the header stays compact and no sticky bar covers the content.

The data (a draft, a signed and anchored report with its passport, an open dispute, a claimed
seat) is built once, through the services, and one server serves the whole walk. Failures are
gathered page by page and reported together. Screenshots go to
``test-artifacts/browser-journeys/<lang>-<size>-<page>.png``.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from dataclasses import dataclass
from typing import Any, cast

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from appraisals.models import Report, Submission
from appraisals.selectors.reports import report_provenance_document
from appraisals.services import reviews as review_services
from appraisals.services.submissions import submission_details_update
from appraisals.tests.factories import draft_for, submit_paying
from appraisals.tests.reviewing import complete_opinion, deliver_events, expert, to_expert_queue
from disputes.services import dispute_open
from members.models import User
from members.tests.factories import PASSWORD, UserFactory
from passports.models import Item
from tests.browser import axe_violations, browser, chain, server, sign_in  # noqa: F401 (fixtures)
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = ROOT / "test-artifacts" / "browser-journeys"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LANGUAGES = ("en", "zh-hans")
# A phone's header: the brand, the language and the menu on one row.
PHONE_HEADER_MAX = 72
TARGET_MIN = 44
CJK = re.compile(r"[\u3400-\u9fff]")
_emails = itertools.count()

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"

# What the first Tab reaches, and whether a sighted keyboard user can see it.
FIRST_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: "body"};
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
    || (s.boxShadow && s.boxShadow !== "none");
  return {tag: el.tagName.toLowerCase(), href: el.getAttribute("href") || "",
    text: el.innerText.trim(), ring: ring,
    onscreen: r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
      && r.bottom <= innerHeight && r.right <= innerWidth};
}"""

FIRST_TABBABLE_IS_A_SKIP_LINK = """() => {
  const all = document.querySelectorAll("a[href], button, input:not([type=hidden]), select, "
    + "textarea, summary, [tabindex]:not([tabindex='-1'])");
  const first = Array.from(all).find(el => el.tabIndex >= 0 && !el.disabled);
  return !!first && first.matches("a[href^='#']");
}"""

# Buttons and links of the content smaller than 44 px either way. Links inside a sentence are
# exempt (WCAG 2.5.5's "inline" exception), as are elements not rendered.
SMALL_TARGETS = """(min) => {
  const small = [];
  const sel = "main a[href], main button, main .button, main summary, main select, "
    + "main label.filebutton, main input[type=submit], main label:has(> input[type=radio]), "
    + "main label:has(> input[type=checkbox])";
  for (const el of document.querySelectorAll(sel)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    if (el.matches("a") && getComputedStyle(el).display === "inline") continue;
    if (el.closest("label.filebutton") && !el.matches("label")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "");
      const text = (el.innerText || el.value || "").trim().slice(0, 30);
      small.push(`${name} "${text}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
  }
  return small;
}"""

# Sticky or fixed bars in the content, which cover what scrolls beneath them on a phone.
STICKY = """() => Array.from(document.querySelectorAll("main *")).filter(el => {
  const p = getComputedStyle(el).position; return p === "sticky" || p === "fixed";
}).map(el => el.className || el.tagName)"""


@dataclass(frozen=True)
class Walk:
    """One page of the walk: who visits it, and what shows it has finished loading."""

    name: str
    path: str
    who: str  # "anonymous", "buyer" or "expert"
    ready: str = "main"
    admin: bool = False


def _email(role: str) -> str:
    return f"walk.{role}{next(_emails)}@example.com"


def _signed_report(buyer: User, category: Any) -> Report:
    """A handbag submitted in this process and signed as the routing would."""
    submission = draft_for(buyer, category, with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")
    submit_paying(submission)  # its owner pays what their plan does not cover
    to_expert_queue(submission)
    while (seat := review_services.review_take_next(
        expert=(who := expert(email=_email("expert")))
    )) is not None:  # fmt: skip
        complete_opinion(seat, who)
        review_services.review_sign(review=seat, expert=who, verdict="authentic")
    return Report.objects.get(submission=submission, version=1)


def _anchor(chain: Any) -> None:  # noqa: F811
    from provenance.anchoring import anchor_tick, web3_get

    w3 = web3_get(chain.rpc_url)
    for _ in range(4):
        assert not anchor_tick(w3=w3).error


def _journeys(catalog: Any, chain: Any) -> tuple[list[Walk], dict[str, str]]:  # noqa: F811
    """Every page of the walk, and who signs in for it (email by role)."""
    buyer = cast(User, UserFactory(email=_email("buyer")))
    draft = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=draft, serial_code="", tier="standard")
    report = _signed_report(buyer, catalog["handbag"])
    disputed = _signed_report(buyer, catalog["handbag"])
    dispute = dispute_open(
        report=disputed,
        user=buyer,
        reason="wrong_verdict",
        description="The heat stamp is thicker than on my other bag of that year.",
    )
    # A case in the queue, claimed by an expert: their case page.
    queued = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=queued, serial_code="", tier="standard")
    submit_paying(queued)  # its owner pays what their plan does not cover
    to_expert_queue(queued)
    examiner = expert(email=_email("examiner"))
    seat = review_services.review_take_next(expert=examiner)
    assert seat is not None and seat.submission_id == queued.pk
    deliver_events()
    _anchor(chain)
    document = report_provenance_document(report)
    assert document is not None
    submission: Submission = report.submission
    item = Item.objects.filter(owner=buyer).order_by("created_at", "id").first()
    assert item is not None, "the signed report made no passport"
    step = f"/submissions/{draft.uid}"
    walks: list[Walk] = [
        Walk("landing", "/", "anonymous"),
        Walk("signup", "/account/signup/", "anonymous"),
        Walk("item", f"{step}/item/", "buyer"),
        Walk("photos", f"{step}/photos/", "buyer", ready="article.slot"),
        Walk("details", f"{step}/details/", "buyer"),
        Walk("review", f"{step}/review/", "buyer"),
        Walk("status", f"/submissions/{submission.uid}/", "buyer", ready="#timeline"),
        Walk("report", f"/r/{report.public_token}/", "buyer", ready="#verdict"),
        Walk("verify", f"/verify/{document.uid}/", "buyer", ready="#browser-check[data-result]"),
        Walk("passport-public", f"/p/{item.public_token}/", "anonymous"),
        Walk("passport-owner", f"/passports/{item.uid}/", "buyer"),
        Walk("dispute-new", f"/submissions/disputes/new/{report.public_token}/", "buyer"),
        Walk(
            "dispute-detail",
            f"/submissions/disputes/{dispute.uid}/",
            "buyer",
            ready="#dispute-state",
        ),  # fmt: skip
        Walk(
            "case",
            f"/admin/appraisals/review/{seat.pk}/case/",
            "expert",
            ready="#case-form",
            admin=True,
        ),  # fmt: skip
    ]
    return walks, {"buyer": buyer.email, "expert": examiner.email}


def _language(page: Any, language: str) -> None:
    """Through the site's own switch, as a reader would (for a signed-in person it is saved)."""
    if page.get_attribute("html", "lang") != language:
        page.select_option("#language", language)
        page.wait_for_selector(f"html[lang={language}]")


def _check(page: Any, walk: Walk, language: str, size: str) -> list[str]:
    """Everything wrong with the page as it stands, in words."""
    problems: list[str] = []
    if violations := axe_violations(page):
        problems.append("axe: " + json.dumps(violations, ensure_ascii=False))
    if (overflow := page.evaluate(OVERFLOW)) > 0:
        problems.append(f"scrolls sideways by {overflow} px")
    if language == "zh-hans":
        if page.get_attribute("html", "lang") != "zh-hans":
            problems.append("not served in Chinese")
        if not CJK.search(page.inner_text("body")):
            problems.append("no Chinese text on the page")
    else:
        if page.get_attribute("html", "lang") != "en":
            problems.append("not served in English")
    # The keyboard: the first Tab reaches a skip link, on screen, with a visible ring. A form
    # that puts the caret in its first field (autofocus) starts there instead: that field must
    # show its ring, and the skip link must still come first in the page.
    page.evaluate("window.scrollTo(0, 0)")
    if page.evaluate("document.activeElement !== document.body"):
        autofocused = page.evaluate(FIRST_FOCUS)
        if not autofocused["ring"]:
            problems.append(f"the field focused on arrival shows no ring: {autofocused}")
        if not page.evaluate(FIRST_TABBABLE_IS_A_SKIP_LINK):
            problems.append("the skip link is not the first focusable element")
        return problems + _phone_checks(page, walk, size)
    page.keyboard.press("Tab")
    focus = page.evaluate(FIRST_FOCUS)
    if not (focus["tag"] == "a" and focus.get("href", "").startswith("#")):
        problems.append(f"the first Tab reaches no skip link: {focus}")
    elif not (focus["onscreen"] and focus["ring"]):
        problems.append(f"the skip link is not visibly focused: {focus}")
    return problems + _phone_checks(page, walk, size)


def _phone_checks(page: Any, walk: Walk, size: str) -> list[str]:
    problems: list[str] = []
    if size == "phone" and not walk.admin:
        if small := page.evaluate(SMALL_TARGETS, TARGET_MIN):
            problems.append(f"targets under {TARGET_MIN} px: {small}")
        header = page.evaluate("document.querySelector('body > header').offsetHeight")
        if header > PHONE_HEADER_MAX:
            problems.append(f"the header takes {header} px of the phone's screen")
        if sticky := page.evaluate(STICKY):
            problems.append(f"sticky bars cover the content: {sticky}")
    return problems


def _add_photo_focus(page: Any) -> list[str]:
    """The photo step's "Add photo" buttons are labels around a transparent file input: the
    input's focus must show on its label."""
    inputs = page.locator("article.slot label input[type=file]")
    if inputs.count() == 0:
        return ["no Add photo button (a label around a file input) in the slots"]
    inputs.first.focus()
    ring = page.evaluate("""() => {
      const s = getComputedStyle(document.activeElement.closest("label"));
      return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2)
        || (s.boxShadow && s.boxShadow !== "none");
    }""")
    return [] if ring else ["the focused Add photo button shows no focus ring"]


def _phone_menu(page: Any) -> list[str]:
    """On a phone the main links fold into a menu, opened without a script."""
    problems = []
    menu = page.locator("#site-menu")
    if menu.count() == 0:
        return ["no menu (#site-menu) on the phone: every link is in the header"]
    link = menu.locator("a").first
    if link.is_visible():
        problems.append("the phone's menu is open before it is asked for")
    menu.locator("summary").click()
    if not link.is_visible():
        problems.append("the phone's menu does not open")
    page.screenshot(path=str(ARTIFACTS / f"{page.evaluate('document.documentElement.lang')}"
                             "-phone-menu-open.png"))  # fmt: skip
    menu.locator("summary").click()
    return problems


def test_every_journey_is_accessible_in_english_and_chinese_on_a_desktop_and_a_phone(
    server: str,  # noqa: F811
    browser: Any,  # noqa: F811
    chain: Any,  # noqa: F811
    catalog: Any,
) -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    walks, emails = _journeys(catalog, chain)
    failures: list[str] = []
    for language, size in itertools.product(LANGUAGES, SIZES):
        pages: dict[str, Any] = {}
        for walk in walks:
            page = pages.get(walk.who)
            if page is None:
                page = pages[walk.who] = browser.new_page(viewport=SIZES[size])
                if walk.who != "anonymous":
                    sign_in(page, server, emails[walk.who], PASSWORD)
                page.goto(f"{server}/")
                _language(page, language)
                if size == "phone" and walk.who == "anonymous":
                    failures += [f"{language}-{size}: {p}" for p in _phone_menu(page)]
            response = page.goto(f"{server}{walk.path}")
            shot = ARTIFACTS / f"{language}-{size}-{walk.name}.png"
            try:
                page.wait_for_selector(walk.ready, state="attached", timeout=10_000)
            except PlaywrightTimeout:
                page.screenshot(path=str(shot), full_page=True)
                failures.append(
                    f"{language}-{size}-{walk.name}: {walk.ready} never came "
                    f"(HTTP {response.status if response else '?'}, {page.title()!r})"
                )
                continue
            page.screenshot(path=str(shot), full_page=True)
            found = _check(page, walk, language, size)
            if walk.name == "landing":
                # Past the skip link (focused by _check's Tab) and the brand, the keyboard
                # reaches the menu's first link on a desktop, its button on a phone.
                page.keyboard.press("Tab")
                page.keyboard.press("Tab")
                reached = page.evaluate(
                    "(() => { const el = document.activeElement;"
                    " return el.closest('#site-menu') && el.checkVisibility()"
                    " ? el.tagName.toLowerCase() : el.outerHTML.slice(0, 80); })()"
                )
                expected = "a" if size == "desktop" else "summary"
                if reached != expected:
                    found.append(f"the third Tab reaches {reached!r}, not the menu's {expected}")
                # The skip link takes the keyboard to the content.
                page.focus(".skip-link")
                page.keyboard.press("Enter")
                if page.evaluate("document.activeElement.id") != "main":
                    found.append("the skip link does not move the focus to the content")
            if walk.name == "photos":
                found += _add_photo_focus(page)
            failures += [f"{language}-{size}-{walk.name}: {p}" for p in found]
        for page in pages.values():
            page.close()
    assert not failures, "\n".join(failures)
