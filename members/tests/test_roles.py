"""Roles are groups with the permissions the platform's table gives them."""

import pytest
from django.contrib.auth.models import Group

from members.roles import ROLE_PERMISSIONS, Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_exactly_its_permissions() -> None:
    for role, wanted in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role.value)
        have = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert have == set(wanted), role


def test_an_expert_can_review_but_not_edit_the_catalog() -> None:
    expert = UserFactory(roles=[Role.EXPERT])
    assert expert.is_staff
    assert expert.has_perm("appraisals.review_submission")
    assert not expert.has_perm("appraisals.change_photoslot")


def test_a_buyer_cannot_open_the_admin() -> None:
    buyer = UserFactory(roles=[Role.BUYER])
    assert not buyer.is_staff
    assert not buyer.has_perm("appraisals.view_submission")
