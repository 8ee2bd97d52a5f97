"""The billing pages in headless Chromium against the real server, at 1280 px and on a phone
(390×844), in English and Chinese: a member picks a pass, pays (invoice mode: the invoice is
due), staff mark it paid, the member sees it paid with its PDF link, and cancels the renewal
after the confirmation page. Every page passes axe-core's WCAG 2.1 AA checks, breaks no
Content-Security-Policy rule and never scrolls sideways. Screenshots go to
``test-artifacts/browser-billing/``."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from billing.models import Invoice, PassSubscription
from billing.services.invoices import invoice_mark_paid
from billing.tests.factories import pass_plan, staff_make
from members.models import User
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import assert_accessible, browser, chain, server, sign_in  # noqa: F401
from tests.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ARTIFACTS = ROOT / "test-artifacts" / "browser-billing"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _check(page: Any, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    assert_accessible(page, name)


def test_a_member_buys_a_pass_and_cancels_its_renewal(server: str, browser: Any) -> None:  # noqa: F811
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    pass_plan("pass-monthly")
    pass_plan("pass-annual")
    staff = staff_make()

    for viewport, size in ((PHONE, "phone"), (DESKTOP, "desktop")):
        member: User = UserFactory(email=f"{size}@example.com")  # type: ignore[assignment]
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, member.email, PASSWORD)

        page.goto(f"{server}/billing/pass/?plan=pass-annual")
        assert page.is_checked("input[value=pass-annual]")
        _check(page, f"01-passes-{size}")
        page.click("#pass-form button[type=submit]")
        page.wait_for_selector("#invoice-number")
        invoice = Invoice.objects.get(member=member)
        assert page.inner_text("#invoice-number") == invoice.number
        assert "€190.00" in page.inner_text("#invoice-total")
        assert "bank transfer" in page.inner_text("#how-to-pay")
        _check(page, f"02-invoice-due-{size}")

        invoice_mark_paid(invoice=invoice, staff=staff)
        page.goto(f"{server}/billing/invoices/")
        assert page.locator("#invoices tbody tr").count() == 1
        _check(page, f"03-invoices-{size}")
        page.click(f"a[href='/billing/invoices/{invoice.number}/']")
        page.wait_for_selector("#invoice-status")
        assert page.inner_text("#invoice-status") == "Paid"
        _check(page, f"04-invoice-paid-{size}")

        page.goto(f"{server}/billing/pass/")
        assert "renews automatically" in page.inner_text("#current-pass")
        page.click("#current-pass a[href='/billing/pass/cancel/']")
        page.wait_for_selector("form.card button[type=submit]")
        _check(page, f"05-cancel-{size}")
        page.click("form.card button[type=submit]")
        page.wait_for_selector("#current-pass")
        assert "does not renew" in page.inner_text("#current-pass")
        assert PassSubscription.objects.get(member=member).renews is False

        page.select_option("#language", "zh-hans")
        page.wait_for_selector("html[lang=zh-hans]")
        assert "鉴定通行证（年付）" in page.inner_text("#current-pass")
        _check(page, f"06-passes-zh-hans-{size}")
        page.goto(f"{server}/billing/invoices/{invoice.number}/")
        page.wait_for_selector("html[lang=zh-hans]")
        _check(page, f"07-invoice-zh-hans-{size}")
        page.select_option("#language", "en")
        page.wait_for_selector("html[lang=en]")
        page.close()
