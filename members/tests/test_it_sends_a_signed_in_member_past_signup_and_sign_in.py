"""A member who is signed in already and opens the sign-up or sign-in page (an old bookmark, the
back button) is taken to their submissions instead of a form."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["members:signup", "members:login"])
def test_a_signed_in_member_goes_to_their_submissions(page: str, buyer: User) -> None:
    client = Client()
    client.force_login(buyer)

    response = client.get(reverse(page))

    assert response.status_code == 302
    assert response["Location"] == reverse(settings.LOGIN_REDIRECT_URL)


@pytest.mark.parametrize("page", ["members:signup", "members:login"])
def test_a_visitor_gets_the_form(page: str, db: None) -> None:
    response = Client().get(reverse(page))

    assert response.status_code == 200
    assert 'name="password' in response.content.decode()
