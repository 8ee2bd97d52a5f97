"""A sandbox report as a partner gets one: a case through the API with a sandbox key."""

from __future__ import annotations

from typing import Any

from api.tests.conftest import Api
from appraisals.models import Report
from tests.photos import good_jpeg


def sandbox_report_issue(api: Api, catalog: Any, capture: Any, outcome: str) -> Report:
    """Create, photograph and submit a case with ``api`` (a sandbox key's), which the bot signs
    with ``outcome``; ``capture``: pytest-django's django_capture_on_commit_callbacks."""
    body = {"category": "handbag", "brand": "hermes", "sandbox_outcome": outcome}
    case = api.post("/api/v1/submissions/", body).json()
    for index, slot in enumerate(catalog["handbag"].slots.order_by("position")):
        put = api.put_photo(
            f"/api/v1/submissions/{case['id']}/photos/{slot.code}/", good_jpeg(index)
        )
        assert put.status_code == 200
    # Celery runs eagerly in tests: photo check, AI pre-screen, the bot expert, the report,
    # each queued on commit by the one before.
    with capture(execute=True):
        assert api.post(f"/api/v1/submissions/{case['id']}/submit/").status_code == 202
    return Report.objects.get(submission__uid=case["id"])
