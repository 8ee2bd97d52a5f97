"""The expert console's sign-in (/admin/login/) applies a member's saved language as the site's
own sign-in does (issue 16): the language cookie is set, and the console is in Chinese from its
first page on."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_console_in_chinese_right_after_a_chinese_expert_signs_in(
    client: Client,
) -> None:
    UserFactory(email="li@example.com", language="zh-hans", is_staff=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "li@example.com", "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    index = client.get(reverse("admin:index")).content.decode()
    assert 'lang="zh-hans"' in index
    assert "authplatform — 鉴定师控制台" in index  # "authplatform — expert console"


def test_it_keeps_english_for_an_english_expert_on_a_chinese_browser(client: Client) -> None:
    UserFactory(email="ann@example.com", language="en", is_staff=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"

    response = client.post(
        reverse("admin:login"),
        {"username": "ann@example.com", "password": PASSWORD, "next": reverse("admin:index")},
    )

    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "expert console" in client.get(reverse("admin:index")).content.decode()


def test_a_failed_admin_sign_in_sets_no_language(client: Client) -> None:
    UserFactory(email="li@example.com", language="zh-hans", is_staff=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "li@example.com", "password": "x", "next": reverse("admin:index")},
    )

    assert response.status_code == 200
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
