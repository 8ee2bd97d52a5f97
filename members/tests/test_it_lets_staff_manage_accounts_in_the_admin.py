"""Staff manage accounts in the admin as the role table allows: find a member, correct their
name, give them a role. Superuser rights stay out of their reach, the sign-in failure ledger
is read-only, and experts (who may not change accounts) don't see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.forms import Form
from django.test import Client
from django.urls import reverse

from members.models import LoginFailure, User
from members.roles import Role
from members.services import notification_send
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _as_the_browser_sends_it(form: Form, **changes: Any) -> dict[str, Any]:
    """The change form's fields as they stand, as a browser posts them, with ``changes``."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = changes.get(name, form[name].value())
        if isinstance(value, datetime):
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
        elif value is None:
            data.update({f"{name}_0": "", f"{name}_1": ""} if name.endswith("login") else {})
        elif value is True:
            data[name] = "on"
        elif value is not False:
            data[name] = value
    return data


def _save(client: Client, user: User, **changes: Any) -> int:
    url = reverse("admin:members_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, _as_the_browser_sends_it(form, **changes))
    return response.status_code


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(email="ops@example.com", roles=[Role.STAFF])


def test_staff_find_a_member_and_correct_their_name_and_role(staff: User, buyer: User) -> None:
    client = _as(staff)

    found = client.get(reverse("admin:members_user_changelist"), {"q": "buyer@"})
    assert found.status_code == 200
    assert "buyer@example.com" in found.content.decode()
    assert "ops@example.com" not in found.content.decode()
    expert_group = Group.objects.get(name=Role.EXPERT.value)
    groups = [*buyer.groups.values_list("pk", flat=True), expert_group.pk]

    assert _save(client, buyer, full_name="Ana Lima", groups=groups) == 302

    buyer.refresh_from_db()
    assert buyer.full_name == "Ana Lima"
    assert buyer.has_perm("appraisals.review_submission")


def test_staff_cannot_make_anyone_a_superuser(staff: User, buyer: User) -> None:
    client = _as(staff)

    for person in (staff, buyer):
        assert _save(client, person, is_superuser=True) == 302

    staff.refresh_from_db()
    buyer.refresh_from_db()
    assert not staff.is_superuser and not buyer.is_superuser


def test_a_superuser_can(buyer: User) -> None:
    admin = User.objects.create_superuser(email="root@example.com", password="x-long-pass-42")

    assert _save(_as(admin), buyer, is_staff=True, is_superuser=True) == 302

    buyer.refresh_from_db()
    assert buyer.is_superuser and buyer.is_staff


def test_the_failure_ledger_and_notifications_are_there_to_read(buyer: User) -> None:
    admin = _as(User.objects.create_superuser(email="root@example.com", password="x-pass-42"))
    failure = LoginFailure.objects.create(email="buyer@example.com", ip_address="203.0.113.5")
    notification_send(user=buyer, subject="AP-3F9C21: report issued")

    listing = admin.get(reverse("admin:members_loginfailure_changelist"))
    assert listing.status_code == 200 and "203.0.113.5" in listing.content.decode()
    assert admin.get(reverse("admin:members_loginfailure_add")).status_code == 403
    change = reverse("admin:members_loginfailure_change", args=[failure.pk])
    assert admin.post(change, {"email": "someone@else.com"}).status_code == 403
    failure.refresh_from_db()
    assert failure.email == "buyer@example.com"
    notes = admin.get(reverse("admin:members_notification_changelist"), {"q": "buyer@"})
    assert "AP-3F9C21: report issued" in notes.content.decode()


def test_an_expert_may_not_see_the_accounts(buyer: User) -> None:
    expert = _as(UserFactory(roles=[Role.EXPERT]))

    assert expert.get(reverse("admin:members_user_changelist")).status_code == 403
    assert expert.get(reverse("admin:members_user_change", args=[buyer.pk])).status_code == 403
