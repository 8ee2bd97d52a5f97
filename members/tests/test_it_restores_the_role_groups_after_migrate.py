"""The role table (members/roles.py) is the truth about who may do what: every ``migrate``
rewrites the role groups from it, so a permission added or removed by hand in the admin does
not survive the next deployment."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from members.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def _perms(group: Group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_migrate_puts_the_groups_back() -> None:
    expert = Group.objects.get(name=Role.EXPERT.value)
    expert.permissions.remove(Permission.objects.get(codename="review_submission"))
    expert.permissions.add(Permission.objects.get(codename="delete_user"))
    Group.objects.get(name=Role.PARTNER.value).delete()

    call_command("migrate", verbosity=0)

    for role, wanted in ROLE_PERMISSIONS.items():
        assert _perms(Group.objects.get(name=role.value)) == set(wanted), role
