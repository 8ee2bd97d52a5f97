"""Sign-up asks for the password twice; two different ones are refused with the reason, and no
account is made."""

import pytest
from django.test import Client
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


def test_two_different_passwords_are_refused(client: Client) -> None:
    response = client.post(
        reverse("members:signup"),
        {
            "email": "new.buyer@example.com",
            "password1": "velvet-saffiano-1955",
            "password2": "velvet-saffiano-1956",
        },
    )

    assert response.status_code == 400
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
