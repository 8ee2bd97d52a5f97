"""A real Celery worker, talking to the real Redis, re-checks a submitted case's photos."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from appraisals.models import Status, SubmissionEvent
from appraisals.services.submissions import submission_details_update, submission_submit
from appraisals.tasks import submission_check_photos
from appraisals.tests.factories import draft_for
from authplatform.celery import app as celery_app
from tests.servers import BIN, child_env, started, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_queues_the_case_and_ignores_a_duplicate_message(
    buyer,
    catalog,
    media_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    redis_url = os.environ.get("REDIS_URL")
    assert redis_url, "REDIS_URL is not set: run the suite with `make test`, which starts Redis"
    # This process enqueues through Redis instead of running the task inline.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)

    submission = draft_for(buyer, catalog["handbag"], with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")

    log = tmp_path / "worker.log"
    cmd = [
        str(BIN / "celery"), "-A", "authplatform", "worker", "--pool", "solo",
        "--without-gossip", "--without-mingle", "--loglevel", "INFO",
    ]  # fmt: skip
    env = child_env(media_root, CELERY_BROKER_URL=redis_url, CELERY_TASK_ALWAYS_EAGER="false")
    with started(cmd, env, log) as worker:
        wait_for(lambda: b"ready." in log.read_bytes(), 60, "the worker to start")
        submission_submit(submission=submission)  # enqueued through Redis on commit

        def done() -> bool:
            submission.refresh_from_db()
            return submission.status != Status.SUBMITTED

        wait_for(done, 60, "the worker to re-check the photos")
        assert submission.status == Status.QUEUED

        # The broker may deliver a message twice; the second run must change nothing.
        with celery_app.connection_for_write() as conn:
            submission_check_photos.apply_async(
                args=[submission.pk, submission.round], connection=conn
            )
        wait_for(lambda: b"photo check: skipped" in log.read_bytes(), 30, "the duplicate to run")
        assert worker.poll() is None
    assert worker.returncode is not None  # stopped by PID
    assert submission.events.filter(kind=SubmissionEvent.Kind.QUEUED).count() == 1
    assert submission.photos.filter(checked_at__isnull=False).count() == 7
