"""A member's notifications: the bell on every page counts the unread ones, the page lists the
member's own (newest first, the latest 50), and one click marks them all read."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Notification, User
from members.services import notification_send
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("members:notifications")


def _as(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_bell_counts_and_the_page_lists_ones_own(buyer: User, stranger: User) -> None:
    notification_send(user=buyer, subject="AP-111111: photos received", link="/submissions/")
    notification_send(user=buyer, subject="AP-111111: report issued", body="Authentic.")
    notification_send(user=stranger, subject="AP-222222: someone else's news")
    client = _as(buyer)

    home = client.get(reverse("appraisals:submission-list")).content.decode()
    page = client.get(PAGE).content.decode()

    assert '<span class="bell__count">2</span>' in home
    assert page.index("report issued") < page.index("photos received")
    assert '<a href="/submissions/">AP-111111: photos received</a>' in page
    assert "someone else" not in page
    assert page.count("note--unread") == 2


def test_mark_all_read(buyer: User, stranger: User) -> None:
    notification_send(user=buyer, subject="One")
    notification_send(user=buyer, subject="Two")
    notification_send(user=stranger, subject="Theirs")
    client = _as(buyer)

    response = client.post(PAGE)

    assert response.status_code == 302 and response["Location"] == PAGE
    assert not Notification.objects.filter(user=buyer, read_at=None).exists()
    assert Notification.objects.get(user=stranger).read_at is None
    page = client.get(PAGE).content.decode()
    assert "note--unread" not in page and "bell__count" not in page
    assert "Mark all as read" not in page


def test_the_page_lists_the_latest_fifty(buyer: User) -> None:
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(user=buyer, subject=f"Step {n:02d}", created_at=now - timedelta(minutes=n))
        for n in range(55)
    )

    page = _as(buyer).get(PAGE).content.decode()

    assert "Step 00" in page and "Step 49" in page and "Step 50" not in page


def test_an_empty_list_and_a_visitor(db: None) -> None:
    empty = _as(UserFactory()).get(PAGE).content.decode()
    assert "Nothing yet." in empty

    visitor = _as(None).get(PAGE)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("members:login"))
