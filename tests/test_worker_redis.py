"""A real Celery worker, talking to the real Redis, re-checks a submitted case's photos and
runs the AI pre-screen on it, once, even when a message is delivered twice."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from appraisals.models import PreScreen, PreScreenPhoto, Status, SubmissionEvent
from appraisals.services.submissions import submission_details_update
from appraisals.tasks import submission_check_photos, submission_prescreen
from appraisals.tests.factories import draft_for, submit_paying
from authplatform.celery import app as celery_app
from tests.servers import BIN, child_env, started, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_checks_and_prescreens_the_case_and_ignores_duplicates(
    buyer,  # noqa: ANN001
    catalog,  # noqa: ANN001
    active_model,  # noqa: ANN001
    settings,  # noqa: ANN001
    media_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is not set: run the suite with `make test`, which starts Redis"
    # This process enqueues through Redis instead of running the task inline.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code="123456AB", tier="standard")

    log = tmp_path / "worker.log"
    cmd = [
        str(BIN / "celery"), "-A", "authplatform", "worker", "--pool", "solo",
        "--without-gossip", "--without-mingle", "--loglevel", "INFO",
    ]  # fmt: skip
    env = child_env(
        media_root,
        CELERY_BROKER_URL=redis_url,
        CELERY_TASK_ALWAYS_EAGER="false",
        ML_MODELS_DIR=str(settings.ML_MODELS_DIR),
    )
    with started(cmd, env, log) as worker:
        wait_for(lambda: b"ready." in log.read_bytes(), 60, "the worker to start")
        # Paid first if no plan covers it; the checks are enqueued through Redis on commit.
        submit_paying(submission)

        def done() -> bool:
            submission.refresh_from_db()
            return submission.status not in (Status.SUBMITTED, Status.QUEUED)

        wait_for(done, 90, "the worker to re-check the photos and pre-screen the case")
        assert submission.status == Status.AWAITING_EXPERT, log.read_text()

        # The broker may deliver a message twice; the second run must change nothing.
        with celery_app.connection_for_write() as conn:
            for task in (submission_check_photos, submission_prescreen):
                task.apply_async(args=[submission.pk, submission.round], connection=conn)
        wait_for(lambda: b"photo check: skipped" in log.read_bytes(), 30, "the duplicate check")
        wait_for(lambda: b"pre-screen: skipped" in log.read_bytes(), 30, "the duplicate screen")
        assert worker.poll() is None
    assert worker.returncode is not None  # stopped by PID
    assert submission.events.filter(kind=SubmissionEvent.Kind.QUEUED).count() == 1
    assert submission.photos.filter(checked_at__isnull=False).count() == 7
    assert PreScreen.objects.filter(submission=submission).count() == 1
    assert PreScreenPhoto.objects.filter(prescreen__submission=submission).count() == 4
