"""Production with card payments refuses to start unless both Stripe secrets are given, as
values or as ``*_FILE`` paths; invoice mode needs neither."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT
from tests.test_it_passes_the_deploy_check_in_production import _production_env

LOAD = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.STRIPE_API_BASE)"
)


def _start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = _production_env(tmp_path)
    for name in ("PAYMENT_PROVIDER", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        environment.pop(name, None)
        environment.pop(f"{name}_FILE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=environment, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": "sk_live_x"}, "STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_WEBHOOK_SECRET": "whsec_x"}, "STRIPE_SECRET_KEY"),
    ],
)
def test_stripe_without_a_secret_refuses_to_start(
    tmp_path: Path, given: dict[str, str], missing: str
) -> None:
    started = _start(tmp_path, PAYMENT_PROVIDER="stripe", **given)

    assert started.returncode != 0
    assert f"{missing} is empty" in started.stderr


def test_stripe_with_both_secrets_from_files_starts(tmp_path: Path) -> None:
    key, secret = tmp_path / "key", tmp_path / "secret"
    key.write_text("sk_live_x\n")
    secret.write_text("whsec_x\n")

    started = _start(
        tmp_path,
        PAYMENT_PROVIDER="stripe",
        STRIPE_SECRET_KEY_FILE=str(key),
        STRIPE_WEBHOOK_SECRET_FILE=str(secret),
    )

    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.strip() == "https://api.stripe.com"


def test_invoice_mode_needs_no_stripe_secret(tmp_path: Path) -> None:
    started = _start(tmp_path)

    assert started.returncode == 0, started.stderr[-2000:]
