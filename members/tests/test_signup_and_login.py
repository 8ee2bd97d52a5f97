"""A visitor signs up, signs out, signs in and resets a forgotten password."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from members.models import User
from members.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_it_signs_up_a_buyer_with_an_argon2_hashed_password(client: Client) -> None:
    response = client.post(
        reverse("members:signup"),
        {
            "email": "New.Buyer@Example.com",
            "full_name": "New Buyer",
            "password1": "velvet-saffiano-1955",
            "password2": "velvet-saffiano-1955",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("appraisals:submission-start")
    user = User.objects.get(email="new.buyer@example.com")
    assert user.password.startswith("argon2$")
    assert list(user.groups.values_list("name", flat=True)) == ["buyer"]
    # Signed in straight away.
    assert client.get(reverse("appraisals:submission-list")).status_code == 200


def test_it_refuses_a_weak_password_or_a_taken_email_with_reasons(client: Client) -> None:
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("members:signup"),
        {"email": "taken@example.com", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "already exists" in body
    assert "too short" in body or "too common" in body
    assert User.objects.count() == 1


def test_it_signs_in_with_email_and_out_again(client: Client) -> None:
    UserFactory(email="ana@example.com")
    response = client.post(
        reverse("members:login"), {"username": "ANA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.post(reverse("members:logout")).status_code == 302
    assert client.get(reverse("appraisals:submission-list")).status_code == 302


def test_a_wrong_password_says_so_with_a_400(client: Client) -> None:
    UserFactory(email="ana@example.com")
    response = client.post(
        reverse("members:login"), {"username": "ana@example.com", "password": "nope"}
    )
    assert response.status_code == 400
    assert "match an account" in response.content.decode()


def test_it_resets_a_forgotten_password_by_email(client: Client) -> None:
    user = UserFactory(email="forgetful@example.com")
    response = client.post(reverse("members:password-reset"), {"email": "forgetful@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/account/password-reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand-new-stitching-77", "new_password2": "brand-new-stitching-77"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-stitching-77")
