"""The first account of a new installation: ``createsuperuser`` with an email and no username,
who then signs in to the admin with that email in any case."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_makes_an_email_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "first-light-of-morning-7")

    call_command("createsuperuser", "--noinput", "--email", "Founder@Example.com", verbosity=0)

    founder = User.objects.get()
    assert founder.email == "founder@example.com"
    assert founder.is_superuser and founder.is_staff
    assert founder.password.startswith("argon2$")
    client = Client()
    signed_in = client.post(
        reverse("admin:login"),
        {
            "username": "FOUNDER@example.com",
            "password": "first-light-of-morning-7",
            "next": reverse("admin:index"),
        },
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("admin:index")


def test_an_account_needs_an_email(db: None) -> None:
    with pytest.raises(ValueError, match="An email address is required."):
        User.objects.create_user(email="", password="x")
