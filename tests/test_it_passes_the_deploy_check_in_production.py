"""Production settings with realistic values pass ``manage.py check --deploy`` without a warning,
and plain HTTP is sent to HTTPS except the healthcheck, which docker-compose calls over HTTP."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

from tests.servers import ROOT


def _production_env(tmp_path) -> dict[str, str]:  # noqa: ANN001
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="authplatform.settings.production",
        AUTHPLATFORM_VAR_DIR=str(tmp_path),
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="shop.example,localhost",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://app:secret@db:5432/app"),
        CELERY_BROKER_URL="redis://redis:6379/0",
        REDIS_URL="redis://redis:6379/1",
        # Nothing listens here: the healthcheck reports the chain as down, which it tolerates.
        ETH_RPC_URL="http://127.0.0.1:9/",
        REPORT_SIGNING_KEY=secrets.token_hex(32),
        ANCHOR_SIGNING_KEY=secrets.token_hex(32),
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example:587",
    )
    return env


def _run(tmp_path, *args: str) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_production_env(tmp_path), capture_output=True,
        text=True,
    )  # fmt: skip


def test_it_passes_the_deploy_check_in_production(tmp_path) -> None:  # noqa: ANN001
    check = _run(tmp_path, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert check.returncode == 0, check.stdout + check.stderr
    assert "System check identified no issues" in check.stdout


PROBE = """
from django.core.wsgi import get_wsgi_application
from django.test import Client
get_wsgi_application()
client = Client(raise_request_exception=False)
page = client.get("/", HTTP_HOST="shop.example")
health = client.get("/healthz", HTTP_HOST="localhost")
secure = client.get("/healthz", HTTP_HOST="shop.example", HTTP_X_FORWARDED_PROTO="https")
print(page.status_code, page.get("Location"), health.status_code, secure.status_code)
print(secure.get("Strict-Transport-Security"))
"""


def test_plain_http_goes_to_https_except_the_healthcheck(tmp_path) -> None:  # noqa: ANN001
    probe = _run(tmp_path, "-c", PROBE)

    assert probe.returncode == 0, probe.stderr[-3000:]
    redirect, hsts = probe.stdout.splitlines()[-2:]
    assert redirect.split() == ["301", "https://shop.example/", "200", "200"]
    assert hsts == "max-age=31536000; includeSubDomains"
