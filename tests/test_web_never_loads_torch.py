"""The web process serves every page without importing torch; only workers load the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import ROOT, child_env

pytestmark = pytest.mark.django_db

SCRIPT = """
import sys
import django
django.setup()
from django.test import Client
from django.urls import reverse
import authplatform.urls, appraisals.admin, appraisals.tasks, ml.admin  # noqa
client = Client()
for url in ("/", reverse("members:login"), reverse("members:signup"), "/healthz"):
    assert client.get(url, HTTP_HOST="localhost").status_code in (200, 503), url
loaded = sorted(m for m in sys.modules if m == "torch" or m.startswith(("torch.", "torchvision")))
print("TORCH_MODULES", len(loaded))
sys.exit(1 if loaded else 0)
"""


def test_the_web_process_never_imports_torch(media_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=child_env(media_root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "TORCH_MODULES 0" in result.stdout
