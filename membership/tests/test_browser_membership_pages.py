"""The membership pages in headless Chromium against the real server: a member holding the
annual pass and Diamond walks from the navigation to "My membership", the plans and the points
history, at 1280 px and on a phone (390×844), in English and then in Chinese through the site's
own language switch. Every page passes axe-core's WCAG 2.1 AA checks, breaks no
Content-Security-Policy rule and never scrolls sideways. Screenshots go to
``test-artifacts/browser-membership/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from django.utils import timezone

from members.tests.factories import PASSWORD
from membership.services.plans import spend_record
from membership.tests.member_pages import DAY, pass_holder
from tests.browser import assert_accessible, browser, chain, server, sign_in  # noqa: F401
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-membership"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The elements that stick out on the right, to name in a failure.
WIDE = """[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1).map(e => `${e.tagName}.${e.className}`).slice(0, 10)"""
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _check(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways: {page.evaluate(WIDE)}"
    assert_accessible(page, name)


def test_a_member_walks_their_membership_pages(server: str, browser: Any) -> None:  # noqa: F811
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    member = pass_holder(email="walker@example.com", mark="WALKER")
    spend_record(member=member, cents=520_000, reference="spend:walker",
                 occurred_at=timezone.now() - DAY)  # fmt: skip

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, member.email, PASSWORD)
        if size == "phone":
            page.click(".sitemenu__toggle")  # the links fold into the menu on a phone
        page.click(".topnav a[href='/membership/']")
        page.wait_for_selector("h1")
        assert page.inner_text("h1") == "My membership"
        assert "Diamond" in page.inner_text("#tier-held")
        assert "Pass (annual)" in page.inner_text("#pass-held")
        assert page.inner_text("#points-balance") == "115"
        _check(page, f"01-my-membership-{size}")

        page.click("a[href='/membership/plans/']")
        page.wait_for_selector("#plans")
        assert page.locator("#plans thead th").count() == 6  # the benefit column and 5 plans
        _check(page, f"02-plans-{size}")

        page.goto(f"{server}/membership/points/")
        assert page.locator("#points-history tbody tr").count() == 3
        assert "never cash" in page.inner_text("#points-rules")
        _check(page, f"03-points-{size}")

        # The site's own language switch, as a reader would use it.
        page.goto(f"{server}/membership/")
        page.select_option("#language", "zh-hans")
        page.wait_for_selector("html[lang=zh-hans]")
        assert "钻石" in page.inner_text("#tier-held")
        _check(page, f"04-my-membership-zh-hans-{size}")
        for path, name in (("plans/", "05-plans"), ("points/", "06-points")):
            page.goto(f"{server}/membership/{path}")
            page.wait_for_selector("html[lang=zh-hans]")
            _check(page, f"{name}-zh-hans-{size}")
        # Back to English: the choice is saved on the account, and the next sign-in keeps it.
        page.select_option("#language", "en")
        page.wait_for_selector("html[lang=en]")
        page.close()
