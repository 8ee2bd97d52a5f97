"""/healthz tells an operator what the platform runs on, and what is missing."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_it_reports_the_database_the_broker_and_ocr() -> None:
    body = Client().get("/healthz").json()

    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["ocr"] == "ok"


@pytest.mark.django_db
def test_it_says_when_tesseract_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json()["ocr"] == "error: tesseract is not installed"


@pytest.mark.django_db
def test_it_says_when_the_broker_is_down(settings) -> None:  # noqa: ANN001
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    assert Client().get("/healthz").json()["broker"] == "error: ConnectionError"
