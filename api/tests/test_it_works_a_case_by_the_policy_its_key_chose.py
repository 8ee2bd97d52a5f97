"""Each behaviour of the case policies (appraisals/policies.py), end to end through the API:
the key that creates a case chooses its policy, and the services follow it.

The photo check, the AI pre-screen and the sandbox bot are run one by one here (on-commit
enqueues are not executed), so each step can be looked at before the next.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from api.tests.conftest import Api, api_for
from appraisals.models import Brand, Report, Review, Submission
from appraisals.models.reports import REPORT_DOCUMENT_TYPE
from appraisals.selectors import submissions_bot_review_stalled
from appraisals.selectors.reviews import review_queue
from appraisals.services import reviews as review_services
from appraisals.services.sandbox import SANDBOX_BOT_EMAIL
from appraisals.tasks import (
    sandbox_review,
    submission_check_photos,
    submission_prescreen,
    submissions_record_sla_breaches,
)
from appraisals.tests.reviewing import deliver_events, expert, sign
from ml.serials import serial_generate
from passports.models import Item, PassportEvent
from provenance.selectors import document_for
from tests.photos import good_jpeg

pytestmark = pytest.mark.django_db


def _submitted(api: Api, catalog: Any, capture: Any, **body: Any) -> Submission:
    """A case created and submitted through the API, its photo check not run yet."""
    created = api.post("/api/v1/submissions/", {"category": "handbag", "brand": "hermes", **body})
    assert created.status_code == 201, created.content
    uid = created.json()["id"]
    for index, slot in enumerate(catalog["handbag"].slots.order_by("position")):
        put = api.put_photo(f"/api/v1/submissions/{uid}/photos/{slot.code}/", good_jpeg(index))
        assert put.status_code == 200
    with capture(execute=False):
        assert api.post(f"/api/v1/submissions/{uid}/submit/").status_code == 202
    return Submission.objects.get(uid=uid)


def _prescreened(case: Submission) -> str:
    assert submission_check_photos.apply(args=[case.pk, case.round]).get() == "queued"
    outcome: str = submission_prescreen.apply(args=[case.pk, case.round]).get()
    case.refresh_from_db()
    return outcome


def _overdue(case: Submission) -> None:
    Submission.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))


def _valid_serial() -> str:
    return serial_generate(brand=Brand.objects.get(slug="hermes").name, rng=random.Random(3))


def test_a_sandbox_keys_case_goes_to_the_bot_and_leaves_no_trace_outside_the_sandbox(  # noqa: ANN001
    partner, catalog, active_model, django_capture_on_commit_callbacks
) -> None:
    api = api_for(partner, sandbox=True)
    # No serial typed: a live case would be asked for a retake of the date code (below).
    case = _submitted(
        api, catalog, django_capture_on_commit_callbacks, sandbox_outcome="counterfeit"
    )

    # Straight on to review whatever the AI asks, one seat, and none of it in the experts' queue.
    assert _prescreened(case) == "awaiting_expert"
    assert case.review_depth == "single" and Review.objects.filter(submission=case).count() == 1
    assert not review_queue().filter(submission=case).exists()
    assert review_services.review_take_next(expert=expert()) is None
    assert list(submissions_bot_review_stalled(older_than=timedelta(0))) == [case]

    _overdue(case)  # no promise for a test: late is not a breach
    with django_capture_on_commit_callbacks(execute=True):
        assert sandbox_review.apply(args=[case.pk, case.round]).get() == "signed 1"
    deliver_events()

    case.refresh_from_db()
    report = Report.objects.get(submission=case)
    assert case.status == "completed" and case.sla_breached_at is None
    assert Review.objects.get(submission=case).expert.email == SANDBOX_BOT_EMAIL
    assert report.verdict == "counterfeit" and report.document["sandbox"] is True
    assert document_for(doc_type=REPORT_DOCUMENT_TYPE, doc_id=str(report.uid)) is None
    assert not Item.objects.exists() and not PassportEvent.objects.exists()
    # Never anchored, so its bundle is the signed document, which verifies as sandbox.
    bundle = api.get(f"/api/v1/reports/{report.uid}/bundle/")
    assert bundle.status_code == 200
    assert bundle.json()["format"] == "authplatform.signed-document/1"


def test_a_live_keys_case_goes_to_the_experts_and_its_report_is_anchored_on_a_passport(  # noqa: ANN001
    partner, catalog, active_model, django_capture_on_commit_callbacks
) -> None:
    api = api_for(partner)
    case = _submitted(api, catalog, django_capture_on_commit_callbacks, serial_code=_valid_serial())

    assert _prescreened(case) == "awaiting_expert"
    assert review_queue().filter(submission=case).exists()
    assert sandbox_review.apply(args=[case.pk, case.round]).get() == "not the bot's"
    assert not submissions_bot_review_stalled(older_than=timedelta(0)).exists()

    _overdue(case)
    while (seat := review_services.review_take_next(expert=(who := expert()))) is not None:
        assert seat.submission_id == case.pk
        sign(seat, who)

    case.refresh_from_db()
    report = Report.objects.get(submission=case)
    assert case.status == "completed" and case.sla_breached_at is not None
    assert "sandbox" not in report.document
    assert document_for(doc_type=REPORT_DOCUMENT_TYPE, doc_id=str(report.uid)) is not None
    assert PassportEvent.objects.filter(report=report).exists()
    assert api.get(f"/api/v1/reports/{report.uid}/bundle/").status_code == 200


def test_the_ai_asks_a_live_case_for_a_retake_but_not_a_sandbox_one(  # noqa: ANN001
    partner, catalog, active_model, django_capture_on_commit_callbacks
) -> None:
    live = _submitted(api_for(partner), catalog, django_capture_on_commit_callbacks)
    test = _submitted(api_for(partner, sandbox=True), catalog, django_capture_on_commit_callbacks)

    # The same photos, no serial typed: the date code can't be read on either.
    assert _prescreened(live) == "needs_retake"
    assert _prescreened(test) == "awaiting_expert"


def test_only_a_live_case_past_its_due_time_is_a_breach(  # noqa: ANN001
    partner, catalog, django_capture_on_commit_callbacks
) -> None:
    live = _submitted(api_for(partner), catalog, django_capture_on_commit_callbacks)
    test = _submitted(api_for(partner, sandbox=True), catalog, django_capture_on_commit_callbacks)
    _overdue(live)
    _overdue(test)

    assert submissions_record_sla_breaches.apply().get() == 1

    live.refresh_from_db()
    test.refresh_from_db()
    assert live.sla_breached_at is not None and test.sla_breached_at is None
