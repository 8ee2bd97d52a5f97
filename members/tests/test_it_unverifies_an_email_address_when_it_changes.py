"""A verification proves one address: when the address changes, by staff in the admin or by
any other path, PostgreSQL clears the verification. A change of letter case only keeps it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client

from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory
from members.tests.test_it_lets_staff_manage_accounts_in_the_admin import _save

pytestmark = pytest.mark.django_db

VERIFIED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _verified(email: str) -> User:
    user = UserFactory(email=email)
    User.objects.filter(pk=user.pk).update(email_verified_at=VERIFIED_AT)
    user.refresh_from_db()
    return user


def test_staff_changing_the_address_in_the_admin_clears_it() -> None:
    member = _verified("mia@example.com")
    untouched = _verified("noah@example.com")
    staff = Client()
    staff.force_login(UserFactory(email="ops@example.com", roles=[Role.STAFF]))

    assert _save(staff, member, full_name="Mia Tan") == 302  # another field: kept
    member.refresh_from_db()
    assert member.email_verified_at == VERIFIED_AT

    assert _save(staff, member, email="mia.tan@example.com") == 302
    member.refresh_from_db()
    assert member.email == "mia.tan@example.com"
    assert member.email_verified_at is None
    assert not member.email_verified
    untouched.refresh_from_db()
    assert untouched.email_verified_at == VERIFIED_AT


def test_every_code_path_that_changes_the_address_clears_it() -> None:
    by_save = _verified("a@example.com")
    by_save.email = "a2@example.com"
    by_save.save(update_fields=["email"])
    by_save.refresh_from_db()
    assert by_save.email_verified_at is None

    by_update = _verified("b@example.com")
    User.objects.filter(pk=by_update.pk).update(email="b2@example.com")
    by_update.refresh_from_db()
    assert by_update.email_verified_at is None

    by_sql = _verified("c@example.com")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_user SET email = %s, email_verified_at = %s WHERE id = %s",
            ["c2@example.com", VERIFIED_AT, by_sql.pk],
        )
    by_sql.refresh_from_db()
    assert by_sql.email_verified_at is None


def test_a_change_of_letter_case_only_keeps_it() -> None:
    member = _verified("li@example.com")
    User.objects.filter(pk=member.pk).update(email="Li@Example.com")
    member.refresh_from_db()
    assert member.email_verified_at == VERIFIED_AT
