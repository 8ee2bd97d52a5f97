"""Every change of a case's status, and every rejected photo, with its domain event.

A case's ``status`` is set only here (tests/test_it_moves_a_case_only_through_its_service.py
checks the code base for any other assignment or bulk update), so no path that moves a case
can skip ``SubmissionStatusChanged``: webhooks and whoever else subscribes hear of each move.
The caller holds the row locked in its transaction and saves it.
"""

from __future__ import annotations

from datetime import datetime

from appraisals.events import PhotoRejected, SubmissionStatusChanged
from appraisals.models import Submission, SubmissionPhoto
from events.services import event_emit


def submission_status_move(*, submission: Submission, to: str) -> None:
    """Set the case's status to ``to`` and record the event (the caller saves the row)."""
    previous = submission.status
    if previous == to:
        return
    submission.status = to
    event_emit(
        SubmissionStatusChanged(submission_id=submission.pk, status=to, previous_status=previous)
    )


def submission_mark_submitted(*, submission: Submission, now: datetime) -> None:
    """The buyer submits (the model checks it may, and starts a round): with its event."""
    previous = submission.status
    submission.mark_submitted(now=now)
    event_emit(
        SubmissionStatusChanged(
            submission_id=submission.pk, status=submission.status, previous_status=previous
        )
    )


def photo_rejection_record(*, photo: SubmissionPhoto) -> None:
    """A photo (saved in this transaction) failed its quality check."""
    event_emit(PhotoRejected(submission_id=photo.submission_id, photo_id=photo.pk))
