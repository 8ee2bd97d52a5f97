"""A member's saved language applies from the first page after signing in (issue 16): signing
in sets the language cookie, as choosing a language does; signing up keeps the page's."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.models import User
from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_chinese_pages_right_after_a_chinese_member_signs_in(client: Client) -> None:
    UserFactory(email="li@example.com", language="zh-hans")

    response = client.post(
        reverse("members:login"), {"username": "li@example.com", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    home = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in home
    assert "退出登录" in home  # "Sign out"


def test_it_keeps_english_for_an_english_member_on_a_chinese_browser(client: Client) -> None:
    UserFactory(email="ann@example.com", language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    client.post(reverse("members:login"), {"username": "ann@example.com", "password": PASSWORD})

    assert '<html lang="en">' in client.get("/").content.decode()


def test_a_failed_sign_in_sets_no_language(client: Client) -> None:
    UserFactory(email="li@example.com", language="zh-hans")

    response = client.post(
        reverse("members:login"), {"username": "li@example.com", "password": "x"}
    )

    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_it_saves_the_language_a_person_signs_up_in(client: Client) -> None:
    response = client.post(
        reverse("members:signup"),
        {
            "email": "new@example.com",
            "full_name": "",
            "password1": "a long and unusual passphrase 42",
            "password2": "a long and unusual passphrase 42",
        },
        HTTP_ACCEPT_LANGUAGE="zh-Hans",
    )

    assert response.status_code == 302
    assert User.objects.get(email="new@example.com").language == "zh-hans"
