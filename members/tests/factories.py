"""Factories for accounts."""

from __future__ import annotations

from functools import cache

import factory
from django.contrib.auth.hashers import make_password

from members.models import User
from members.roles import Role
from members.services import user_role_grant

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once per run.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.LazyFunction(_password_hash)

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        for role in extracted or [Role.BUYER]:
            user_role_grant(user=self, role=role)
