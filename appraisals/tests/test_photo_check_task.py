"""The server-side photo re-check after submission: outcomes, idempotence, retries."""

import pytest
from django.core import mail

from appraisals.models import Status, SubmissionEvent
from appraisals.services.submissions import submission_details_update, submission_submit
from appraisals.tasks import submission_check_photos, submissions_requeue_stalled
from appraisals.tests.factories import draft_for
from members.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(buyer, catalog, django_capture_on_commit_callbacks):  # noqa: ANN001, ANN201
    submission = draft_for(buyer, catalog["watch"], with_photos=True)
    submission_details_update(submission=submission, serial_code="", tier="standard")
    # Submit without running the enqueued task, so each test drives the task itself.
    with django_capture_on_commit_callbacks(execute=False):
        submission_submit(submission=submission)
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED
    return submission


def test_it_queues_a_case_whose_photos_pass(submitted) -> None:  # noqa: ANN001
    assert submission_check_photos.apply(args=[submitted.pk, submitted.round]).get() == "queued"
    submitted.refresh_from_db()
    assert submitted.status == Status.QUEUED


def test_running_it_twice_records_the_outcome_once(submitted) -> None:  # noqa: ANN001
    submission_check_photos.apply(args=[submitted.pk, submitted.round])
    assert submission_check_photos.apply(args=[submitted.pk, submitted.round]).get() == "skipped"
    assert submitted.events.filter(kind=SubmissionEvent.Kind.QUEUED).count() == 1
    assert (
        Notification.objects.filter(user=submitted.owner, subject__contains="accepted").count() == 1
    )


def test_a_photo_altered_in_storage_sends_the_case_back_for_retake(
    submitted,
    media_root,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    caseback = submitted.photos.get(slot__code="caseback")
    path = media_root / caseback.image.name
    path.write_bytes(path.read_bytes()[:-10] + b"tampered!!")
    with django_capture_on_commit_callbacks(execute=True):
        outcome = submission_check_photos.apply(args=[submitted.pk, submitted.round]).get()
    assert outcome == "needs_retake"
    submitted.refresh_from_db()
    assert submitted.status == Status.NEEDS_RETAKE
    caseback.refresh_from_db()
    assert not caseback.quality_ok
    event = submitted.events.get(kind=SubmissionEvent.Kind.RETAKE_REQUESTED)
    assert "Caseback" in event.message
    assert any("retake" in m.subject for m in mail.outbox)


def test_a_duplicate_task_from_an_earlier_round_does_nothing(
    submitted,
    media_root,
    django_capture_on_commit_callbacks,  # noqa: ANN001
) -> None:
    from appraisals.services.photos import submission_photo_upload
    from tests.photos import good_jpeg

    caseback = submitted.photos.get(slot__code="caseback")
    (media_root / caseback.image.name).write_bytes(b"garbage")
    submission_check_photos.apply(args=[submitted.pk, 1])
    submitted.refresh_from_db()
    submission_photo_upload(submission=submitted, slot=caseback.slot, data=good_jpeg(5))
    with django_capture_on_commit_callbacks(execute=False):
        submission_submit(submission=submitted)
    submitted.refresh_from_db()
    assert submitted.round == 2
    assert submission_check_photos.apply(args=[submitted.pk, 1]).get() == "skipped"
    assert submission_check_photos.apply(args=[submitted.pk, 2]).get() == "queued"


def test_the_safety_net_requeues_a_stalled_case(submitted, settings) -> None:  # noqa: ANN001
    from datetime import timedelta

    from django.utils import timezone

    from appraisals.models import Submission

    settings.SUBMISSION_CHECK_STALL_SECONDS = 60
    assert submissions_requeue_stalled.apply().get() == 0
    Submission.objects.filter(pk=submitted.pk).update(
        updated_at=timezone.now() - timedelta(minutes=5)
    )
    assert submissions_requeue_stalled.apply().get() == 1
    submitted.refresh_from_db()
    assert submitted.status == Status.QUEUED


def test_a_transient_storage_error_is_retried(submitted, monkeypatch) -> None:  # noqa: ANN001
    from appraisals.services import photos as services

    calls = {"n": 0}
    real = services._recheck_photo

    def flaky(photo):  # noqa: ANN001, ANN202
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("storage briefly unavailable")
        return real(photo)

    monkeypatch.setattr(services, "_recheck_photo", flaky)
    # throw=False lets eager mode apply the retry instead of raising it.
    result = submission_check_photos.apply(args=[submitted.pk, submitted.round], throw=False)
    assert result.get() == "queued"
    assert calls["n"] > 1
