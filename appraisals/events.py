"""The domain events appraisals emits (events/, docs/events.md), in the transaction of the
change each describes. Other apps subscribe in their own ``subscribers.py``; appraisals never
imports them.

Events about a case, its photos, its reviews and its reports share the case as their aggregate,
so a subscriber hears of one case's changes in the order they happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.registry import domain_event


@domain_event("submission.status_changed", aggregate="submission")
@dataclass(frozen=True)
class SubmissionStatusChanged:
    submission_id: int
    status: str
    previous_status: str

    @property
    def aggregate_id(self) -> str:
        return str(self.submission_id)


@domain_event("submission.photo_rejected", aggregate="submission")
@dataclass(frozen=True)
class PhotoRejected:
    """A photo failed the quality check (on upload or at the re-check)."""

    submission_id: int
    photo_id: int

    @property
    def aggregate_id(self) -> str:
        return str(self.submission_id)


@domain_event("report.issued", aggregate="submission")
@dataclass(frozen=True)
class ReportIssued:
    """A report version was signed and saved: the first, or a correction that supersedes
    ``supersedes_id`` (which is then revoked)."""

    submission_id: int
    report_id: int
    supersedes_id: int | None

    @property
    def aggregate_id(self) -> str:
        return str(self.submission_id)


@domain_event("review.signed", aggregate="submission")
@dataclass(frozen=True)
class ReviewSigned:
    """An expert signed a review seat (first or second opinion, or a seat of a blind
    re-appraisal, ``reappraisal_id``): the one who decides. The AI and the crowd never sign."""

    submission_id: int
    review_id: int
    expert_id: int
    verdict: str
    reappraisal_id: int | None

    @property
    def aggregate_id(self) -> str:
        return str(self.submission_id)
