"""Create an API key from the shell (staff can also do it in the admin); prints it once.

    python manage.py api_key_create --partner "Demo Marketplace" --sandbox

The partner is created with its own account if it doesn't exist yet. Scopes default to all.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.text import slugify

from api.models import ApiKey, Partner, Scope
from members.models import User
from members.roles import Role
from members.services import user_role_grant


class Command(BaseCommand):
    help = "Create an API key for a partner (created if new) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="The partner organisation's name.")
        parser.add_argument("--label", default="created from the shell")
        parser.add_argument(
            "--scopes",
            default=",".join(Scope.values),
            help=f"Comma-separated, from: {', '.join(Scope.values)} (default: all).",
        )
        parser.add_argument("--sandbox", action="store_true", help="A sandbox key (ak_test_…).")

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        unknown = sorted(set(scopes) - set(Scope.values))
        if unknown or not scopes:
            raise CommandError(f"Unknown scopes {unknown}; choose from {', '.join(Scope.values)}.")
        name = options["partner"].strip()
        if not name:
            raise CommandError("Give the partner's name.")
        with transaction.atomic():
            partner = Partner.objects.filter(name=name).first()
            if partner is None:
                account = User.objects.create_user(
                    email=f"{slugify(name) or 'partner'}@partners.invalid", full_name=name
                )
                user_role_grant(user=account, role=Role.PARTNER)
                partner = Partner.objects.create(name=name, account=account)
            _key, text = ApiKey.issue(
                partner=partner, label=options["label"], scopes=scopes, sandbox=options["sandbox"]
            )
        self.stdout.write(text)
