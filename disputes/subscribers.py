"""What disputes do when the review queue reports a change (events/, docs/events.md): a signed
seat of a dispute's blind re-appraisal may settle it, or send it to the panel."""

from __future__ import annotations

from appraisals.events import ReviewSigned
from disputes.services import dispute_after_reappraisal
from events.registry import subscriber


@subscriber(ReviewSigned, name="disputes.after_reappraisal")
def after_reappraisal(event: ReviewSigned) -> None:
    if event.reappraisal_id is not None:
        dispute_after_reappraisal(reappraisal_id=event.reappraisal_id)
