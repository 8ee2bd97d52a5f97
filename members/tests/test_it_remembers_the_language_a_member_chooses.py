"""The language switch in the page header: the pages change at once, and for a signed-in
member the choice is kept on the account, which every email to them follows."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

SWITCH = reverse("members:language")
HOME = reverse("appraisals:submission-list")


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_member_chooses_chinese(buyer: User) -> None:
    client = _as(buyer)

    response = client.post(SWITCH, {"language": "zh-hans", "next": HOME})

    assert response.status_code == 302 and response["Location"] == HOME
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    buyer.refresh_from_db()
    assert buyer.language == "zh-hans"
    assert '<html lang="zh-hans">' in client.get(HOME).content.decode()


def test_a_visitors_choice_lives_in_the_browser_only(db: None) -> None:
    response = _as(None).post(SWITCH, {"language": "zh-hans", "next": "/"})

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert not User.objects.exists()


def test_a_language_we_do_not_offer_changes_nothing(buyer: User) -> None:
    response = _as(buyer).post(SWITCH, {"language": "xx", "next": HOME})

    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    buyer.refresh_from_db()
    assert buyer.language == "en"
