"""Asking to reset the password of an address with no account looks the same as for one with an
account, and sends nothing: the form doesn't tell who has an account. A reset link that was
tampered with, or used already, changes nothing."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW = "brand-new-stitching-77"


def test_an_unknown_address_gets_the_same_answer_and_no_email(client: Client) -> None:
    UserFactory(email="known@example.com")

    unknown = client.post(reverse("members:password-reset"), {"email": "nobody@example.com"})
    known = client.post(reverse("members:password-reset"), {"email": "known@example.com"})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == reverse("members:password-reset-done")
    assert [m.to for m in mail.outbox] == [["known@example.com"]]


def test_a_tampered_or_spent_link_changes_nothing(client: Client) -> None:
    user = UserFactory(email="forgetful@example.com")
    client.post(reverse("members:password-reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", mail.outbox[0].body)
    assert link
    uidb64, token = link.group(1).rstrip("/").split("/")[-2:]

    forged = reverse("members:password-reset-confirm", args=[uidb64, token[:-1] + "x"])
    page = client.get(forged).content.decode()
    assert "This link no longer works" in page
    # Used once, the real link is spent.
    form_page = client.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert "This link no longer works" in Client().get(link.group(1), follow=True).content.decode()
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(PASSWORD)
