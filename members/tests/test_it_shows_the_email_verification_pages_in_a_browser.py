"""Email verification in headless Chromium against the real server: a new member's account
page offers the button, the link's page asks for a click, and the account then says Verified;
in English and Chinese, with no serious accessibility problem, no Content-Security-Policy
violation and no sideways scroll on a phone. Screenshots go to
``test-artifacts/browser/email-verification-*.png``.
"""

from __future__ import annotations

import pytest

from members.models import User
from members.services import email_verification_token
from members.tests.factories import PASSWORD, UserFactory
from tests.browser import assert_accessible, browser, chain, server, sign_in  # noqa: F401
from tests.test_browser_flow import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _check_and_shoot(page, name: str) -> None:  # noqa: ANN001
    assert page.evaluate(OVERFLOW) <= 0, f"{name} scrolls sideways"
    assert_accessible(page, name)
    page.screenshot(path=str(ARTIFACTS / f"email-verification-{name}.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_it_shows_the_email_verification_pages_in_a_browser(
    server: str,  # noqa: F811
    browser,  # noqa: ANN001, F811
    language: str,
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    member = UserFactory(email=f"verify.{language}@example.com", language=language)
    for size, viewport in (
        ("desktop", {"width": 1280, "height": 900}),
        ("phone", {"width": 390, "height": 844}),
    ):
        page = browser.new_page(viewport=viewport)
        sign_in(page, server, member.email, PASSWORD)
        if page.get_attribute("html", "lang") != language:
            page.select_option("#language", language)
            page.wait_for_selector(f"html[lang={language}]")

        page.goto(f"{server}/account/")
        assert page.locator("#email-unverified").is_visible()
        _check_and_shoot(page, f"{language}-{size}-account")
        link = f"{server}/account/verify-email/{email_verification_token(user=member)}/"
        page.goto(link)
        _check_and_shoot(page, f"{language}-{size}-confirm")
        if size == "phone":
            page.locator("main button[type=submit]").click()
            page.wait_for_selector("#email-verified")
            _check_and_shoot(page, f"{language}-{size}-verified")
        page.close()
    assert User.objects.get(pk=member.pk).email_verified

    # A link that was tampered with: the refusal page.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, server, member.email, PASSWORD)
    response = page.goto(f"{server}/account/verify-email/{email_verification_token(user=member)}x/")
    assert response is not None and response.status == 400
    assert page.locator("[role=alert]").is_visible()
    _check_and_shoot(page, f"{language}-refused")
