"""Load the catalog and the demo accounts, idempotently, and print the credentials."""

from __future__ import annotations

import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from appraisals.demo import demo_submission_ensure
from appraisals.services.catalog import catalog_load
from members.models import User
from members.roles import Role
from members.services import user_role_grant

DEMO_ACCOUNTS = [
    ("buyer@demo.authplatform.test", "Demo Buyer", [Role.BUYER], False),
    ("expert@demo.authplatform.test", "Demo Expert", [Role.EXPERT], False),
    ("senior@demo.authplatform.test", "Demo Senior", [Role.SENIOR_EXPERT], False),
    ("admin@demo.authplatform.test", "Demo Admin", [Role.STAFF], True),
    # For a dispute: two experts who did not examine the demo item re-appraise it blind, and
    # a panel of three (senior expert, brand and user representatives) decides.
    ("reviewer2@demo.authplatform.test", "Demo Reviewer Two", [Role.EXPERT], False),
    ("reviewer3@demo.authplatform.test", "Demo Reviewer Three", [Role.EXPERT], False),
    ("panel-senior@demo.authplatform.test", "Demo Panel Senior", [Role.SENIOR_EXPERT], False),
    ("brand-rep@demo.authplatform.test", "Demo Brand Representative", [Role.ARBITRATOR], False),
    ("user-rep@demo.authplatform.test", "Demo User Representative", [Role.ARBITRATOR], False),
]


class Command(BaseCommand):
    help = "Load the catalog and demo buyer, expert and admin accounts (safe to rerun)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--catalog-only", action="store_true", help="Skip demo accounts.")

    def handle(self, *args: Any, **options: Any) -> None:
        counts = catalog_load()
        self.stdout.write(
            f"Catalog: {counts['categories']} categories, {counts['slots']} photo slots, "
            f"{counts['brands']} brands, {counts['models']} models."
        )
        if options["catalog_only"]:
            return
        if not settings.DEMO_ACCOUNTS_ALLOWED:
            raise CommandError("Demo accounts are never created in production.")
        self._accounts()
        buyer = User.objects.get(email=DEMO_ACCOUNTS[0][0])
        admin = User.objects.get(email=DEMO_ACCOUNTS[3][0])
        demo = demo_submission_ensure(owner=buyer, cashier=admin)
        if demo is None:
            return
        if demo.pass_plan is not None:
            self.stdout.write(
                f"Demo case: Demo Buyer now holds the {demo.pass_plan.name} plan, which covers "
                "the Standard price of their cases."
            )
        if demo.payment_url is not None and demo.invoice is not None:
            self.stdout.write(
                f"Demo case {demo.submission.reference} waits for its Express surcharge, "
                f"invoice {demo.invoice.number}: pay it at {demo.payment_url}"
            )
            return
        if demo.invoice is not None:
            self.stdout.write(
                f"Demo case: its Express surcharge, invoice {demo.invoice.number}, was marked "
                "paid by Demo Admin (invoice mode)."
            )
        self.stdout.write(
            f"Demo case {demo.submission.reference} submitted: the worker checks its photos and "
            "runs the AI pre-screen, then it waits in the expert queue (admin > Reviews)."
        )

    def _accounts(self) -> None:
        # Passwords are random per machine and kept in var/, so reruns print the same ones.
        store = settings.VAR_DIR / "demo-credentials.json"
        known: dict[str, str] = json.loads(store.read_text()) if store.exists() else {}
        lines = []
        for email, name, roles, superuser in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            password = known.get(email)
            if user is None or password is None or not user.check_password(password):
                password = secrets.token_urlsafe(9)
                if user is None:
                    user = User.objects.create_user(email=email, full_name=name)
                user.set_password(password)
                user.is_superuser = superuser
                user.save()
                known[email] = password
            for role in roles:
                user_role_grant(user=user, role=role)
            lines.append(f"  {name:<12} {email:<34} {password}")
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(known, indent=2))
        store.chmod(0o600)
        self.stdout.write("Demo accounts (email / password):\n" + "\n".join(lines))
