"""A payment provider that isn't one of ours stops production at start-up, not at the first
checkout; locally the same mistake is a clear error when a provider is asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from billing.providers import provider_get
from billing.providers.invoice import InvoiceProvider
from tests.servers import ROOT
from tests.test_it_passes_the_deploy_check_in_production import _production_env

LOAD = "import django; django.setup(); from django.conf import settings; print('started')"


def _start(tmp_path: Path, provider: str) -> subprocess.CompletedProcess[str]:
    environment = _production_env(tmp_path)
    environment["PAYMENT_PROVIDER"] = provider
    return subprocess.run(
        [sys.executable, "-c", LOAD], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_production_refuses_to_start_with_an_unknown_provider(tmp_path: Path) -> None:
    started = _start(tmp_path, "Stripe ")

    assert started.returncode != 0
    assert "PAYMENT_PROVIDER is 'Stripe '; it is invoice or stripe." in started.stderr


def test_production_starts_in_invoice_mode(tmp_path: Path) -> None:
    started = _start(tmp_path, "invoice")

    assert started.returncode == 0, started.stderr
    assert "started" in started.stdout


def test_the_configured_provider_is_the_one_used() -> None:
    assert isinstance(provider_get(), InvoiceProvider)
    with override_settings(PAYMENT_PROVIDER="paypal"), pytest.raises(ImproperlyConfigured):
        provider_get()
