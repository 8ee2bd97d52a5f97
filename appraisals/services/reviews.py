"""Expert review: opening seats, claiming from the queue, findings, signing, more photos.

The queue is the set of open review seats (and claimed ones whose claim ran out) of cases
waiting for an expert. ``review_take_next`` claims the top one with ``SELECT ... FOR UPDATE
SKIP LOCKED``, so two experts taking at once always get different seats. Every write below
checks that the expert still holds a live claim on the seat; saving extends the claim.

When the last required seat is signed, ``appraisals.services.reports.report_issue`` issues
the report. Two signed seats that disagree open a senior seat instead.

A blind re-appraisal (``reappraisal_open``) is the one door another app has into the queue: a
dispute orders one, and hears of each signed seat through the ``ReviewSigned`` event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from appraisals import permissions
from appraisals.events import ReviewSigned
from appraisals.models import (
    ConditionGrade,
    Feature,
    Finding,
    FindingResult,
    PhotoRequest,
    Reappraisal,
    Review,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Verdict,
)
from appraisals.selectors.reviews import queue_available, queue_order
from appraisals.services.reports import report_issue
from appraisals.services.submissions import submission_event_add
from appraisals.services.transitions import submission_status_move
from events.services import event_emit
from members.models import User
from members.services import notification_send

Kind = SubmissionEvent.Kind
Stage = Review.Stage
State = Review.State

REVIEW_PERMISSION = permissions.REVIEW
SENIOR_PERMISSION = permissions.ARBITRATE


class ClaimLost(PermissionDenied):
    """The expert no longer holds this seat: the claim ran out and someone else took it."""


def _claim_span() -> timedelta:
    return timedelta(minutes=settings.REVIEW_CLAIM_MINUTES)


def reviews_open(*, submission: Submission) -> list[Review]:
    """Open the seats a case needs when it reaches the expert queue (idempotent per round)."""
    stages = [Stage.FIRST]
    if submission.review_depth == "double":
        stages.append(Stage.SECOND)
    seats = []
    for stage in stages:
        seat, _created = Review.objects.get_or_create(
            submission=submission, round=submission.round, stage=stage
        )
        seats.append(seat)
    return seats


def reappraisal_open(
    *, submission: Submission, reference: str, brief: str, brief_url: str, due_at: datetime
) -> Reappraisal:
    """Order a blind re-examination of a case: two seats in the queue, for experts who never
    examined the item, who see ``brief`` (and a link to ``brief_url``) but no earlier opinion,
    on the ``due_at`` clock. Each signed seat is a ``ReviewSigned`` event carrying the
    re-appraisal's id; ``reappraisal_verdicts`` tells the orderer when both are in."""
    with transaction.atomic():
        reappraisal = Reappraisal.objects.create(
            submission=submission,
            reference=reference,
            brief=brief,
            brief_url=brief_url,
            due_at=due_at,
        )
        for stage in (Stage.FIRST, Stage.SECOND):
            Review.objects.create(
                submission=submission, round=submission.round, stage=stage, reappraisal=reappraisal
            )
    return reappraisal


def _stages_for(expert: User) -> list[str]:
    stages: list[str] = []
    if expert.has_perm(REVIEW_PERMISSION):
        stages += [Stage.FIRST, Stage.SECOND]
    if expert.has_perm(SENIOR_PERMISSION) and expert.has_perm(REVIEW_PERMISSION):
        stages.append(Stage.SENIOR)
    return stages


def review_take_next(*, expert: User, now: datetime | None = None) -> Review | None:
    """Claim the top seat of the queue this expert may take; None when there is none.

    The expert never gets a second seat on a case they already sit on (the second expert is
    blind to the first, and the senior decides between two others).
    """
    now = now or timezone.now()
    stages = _stages_for(expert)
    if not stages:
        raise PermissionDenied("Only experts can take cases from the review queue.")
    mine = Review.objects.filter(submission=OuterRef("submission"), expert=expert).exclude(
        state=State.WITHDRAWN
    )
    with transaction.atomic():
        candidates = queue_order(
            queue_available(now=now)
            .filter(stage__in=stages)
            .annotate(
                # An appraisal seat: not a second seat in the same round.
                seated_this_round=Exists(
                    mine.filter(round=OuterRef("round"), reappraisal__isnull=True).exclude(
                        pk=OuterRef("pk")
                    )
                ),
                # A blind re-appraisal: only experts who never examined this item.
                seated_ever=Exists(mine.exclude(pk=OuterRef("pk"))),
            )
            .exclude(reappraisal__isnull=True, seated_this_round=True)
            .exclude(reappraisal__isnull=False, seated_ever=True)
        )
        seat = candidates.select_for_update(skip_locked=True, of=("self",)).first()
        if seat is None:
            return None
        seat.expert = expert
        seat.state = State.CLAIMED
        seat.claimed_at = now
        seat.claim_expires_at = now + _claim_span()
        seat.save(update_fields=["expert", "state", "claimed_at", "claim_expires_at"])
        _claim_event(seat)
    return seat


def _claim_event(seat: Review) -> None:
    """The buyer's timeline line for a seat's first claim; a re-claim adds nothing."""
    if seat.reappraisal_id is not None:
        return  # whoever ordered the re-appraisal writes its steps
    kind, message = {
        Stage.FIRST: (
            Kind.EXPERT_ASSIGNED,
            gettext_noop("An expert has started examining your item"),
        ),
        Stage.SECOND: (
            Kind.SECOND_REVIEW,
            gettext_noop("A second expert is checking independently"),
        ),
        Stage.SENIOR: (Kind.SENIOR_REVIEW, gettext_noop("A senior expert is reviewing the case")),
    }[Stage(seat.stage)]
    submission = seat.submission
    if not submission.events.filter(kind=kind, round=seat.round).exists():
        submission_event_add(submission, kind, message)


def _held(review: Review, expert: User, *, now: datetime) -> Review:
    """The seat, locked, if ``expert`` holds a live claim on it; the claim is extended."""
    locked = Review.objects.select_for_update().select_related("submission").get(pk=review.pk)
    if locked.expert_id != expert.pk or not locked.claim_is_live(now=now):
        raise ClaimLost(
            "You no longer hold this case: your claim ran out or it was reassigned. Take the "
            "next case from the queue."
        )
    locked.claim_expires_at = now + _claim_span()
    locked.save(update_fields=["claim_expires_at"])
    return locked


def review_release(*, review: Review, expert: User) -> Review:
    """Hand a claimed seat back to the queue."""
    now = timezone.now()
    with transaction.atomic():
        locked = _held(review, expert, now=now)
        locked.state = State.OPEN
        locked.expert = None
        locked.claimed_at = locked.claim_expires_at = None
        locked.save(update_fields=["state", "expert", "claimed_at", "claim_expires_at"])
    return locked


def _region_clean(region: dict[str, Any] | None) -> dict[str, str] | None:
    if region is None:
        return None
    try:
        values = {key: float(region[key]) for key in ("x", "y", "w", "h")}
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationError(
            {"region": _("A region needs x, y, w and h as fractions of the photo (0 to 1).")}
        ) from error
    x, y, w, h = values["x"], values["y"], values["w"], values["h"]
    if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
        raise ValidationError({"region": _("The region must lie inside the photo.")})
    # Stored as fixed-precision strings: they go into the signed canonical document as is.
    return {key: f"{value:.4f}" for key, value in values.items()}


def finding_save(
    *,
    review: Review,
    expert: User,
    feature: str,
    result: str,
    reason: str,
    photo: SubmissionPhoto | None = None,
    region: dict[str, Any] | None = None,
) -> Finding:
    """Record (or replace) the expert's finding on one feature."""
    if feature not in Feature.values:
        raise ValidationError({"feature": _("Unknown feature %(feature)r.") % {"feature": feature}})
    if result not in FindingResult.values:
        raise ValidationError({"result": _("Choose consistent, inconsistent or cannot tell.")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a short reason for this finding.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("Keep the reason under 300 characters.")})
    if region is not None and photo is None:
        raise ValidationError({"region": _("Pick the photo the marked region is on.")})
    cleaned_region = _region_clean(region)
    with transaction.atomic():
        locked = _held(review, expert, now=timezone.now())
        if photo is not None and photo.submission_id != locked.submission_id:
            raise ValidationError({"photo": _("That photo is not part of this case.")})
        finding, _created = Finding.objects.update_or_create(
            review=locked,
            feature=feature,
            defaults={
                "result": result,
                "reason": reason,
                "photo": photo,
                "region": cleaned_region,
            },
        )
    return finding


def review_condition_save(
    *,
    review: Review,
    expert: User,
    grade: str,
    wear_notes: str,
    repairs: str,
    replaced_parts: str,
) -> Review:
    """Record condition and wear; all four are needed before signing.

    Every missing one is named at once, each with its own message, so the case page can mark
    each field.
    """
    problems: dict[str, str] = {}
    if grade not in ConditionGrade.values:
        problems["grade"] = _("Choose a condition grade.")
    # Unstated wear is the most common cause of disputes: "none seen" must be said, not implied.
    texts = {
        "wear_notes": (wear_notes, _("Describe the wear you see, or write 'none seen'.")),
        "repairs": (repairs, _("Describe any repairs you see, or write 'none seen'.")),
        "replaced_parts": (
            replaced_parts,
            _("List any replaced parts you see, or write 'none seen'."),
        ),
    }
    for name, (text, message) in texts.items():
        if not text.strip():
            problems[name] = message
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        locked = _held(review, expert, now=timezone.now())
        locked.condition_grade = grade
        locked.wear_notes = wear_notes.strip()
        locked.repairs = repairs.strip()
        locked.replaced_parts = replaced_parts.strip()
        locked.save(update_fields=["condition_grade", "wear_notes", "repairs", "replaced_parts"])
    return locked


def review_sign_blockers(review: Review) -> list[str]:
    """What stops this seat from being signed, in words the expert can act on."""
    problems = []
    # Through .all(), so a case page that prefetched the findings asks nothing more.
    found = {finding.feature for finding in review.findings.all()}
    for feature in Feature:
        if feature.value not in found:
            problems.append(f"Record a finding for “{feature.label}”.")
    if not review.condition_grade:
        problems.append("Grade the condition and describe wear, repairs and replaced parts.")
    return problems


def review_sign(*, review: Review, expert: User, verdict: str, reason: str = "") -> Review:
    """Sign the seat's opinion; issues the report when it was the last one needed (a
    re-appraisal's seats issue nothing: its orderer decides what follows)."""
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose authentic, counterfeit or inconclusive.")})
    reason = reason.strip()
    if verdict == Verdict.INCONCLUSIVE and not reason:
        raise ValidationError(
            {"verdict_reason": _("Say why the case is inconclusive; the buyer is refunded.")}
        )
    now = timezone.now()
    with transaction.atomic():
        locked = _held(review, expert, now=now)
        problems = review_sign_blockers(locked)
        if problems:
            raise ValidationError(problems)
        locked.verdict = verdict
        locked.verdict_reason = reason
        locked.state = State.SIGNED
        locked.signed_at = now
        locked.save(update_fields=["verdict", "verdict_reason", "state", "signed_at"])
        event_emit(
            ReviewSigned(
                submission_id=locked.submission_id,
                review_id=locked.pk,
                expert_id=expert.pk,
                verdict=verdict,
                reappraisal_id=locked.reappraisal_id,
            )
        )
        # A re-appraisal's orderer hears of the seat through the event; nothing is issued here.
        if locked.reappraisal_id is None:
            _after_sign(locked.submission, locked.round)
    return locked


def _after_sign(submission: Submission, round: int) -> None:
    # Locking the case serialises two seats signed at the same moment: the second one to get
    # here sees the first as signed and is the one that issues the report.
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    seats = {
        s.stage: s
        for s in Review.objects.filter(submission=submission, round=round).exclude(
            state=State.WITHDRAWN
        )
    }
    if any(seat.state != State.SIGNED for seat in seats.values()):
        return
    if Stage.SENIOR in seats:
        report_issue(submission=submission, deciding=seats[Stage.SENIOR])
        return
    first, second = seats.get(Stage.FIRST), seats.get(Stage.SECOND)
    if first is None:
        return
    if second is None or second.verdict == first.verdict:
        report_issue(submission=submission, deciding=first)
        return
    Review.objects.create(submission=submission, round=round, stage=Stage.SENIOR)


def review_request_photos(
    *, review: Review, expert: User, slot_codes: Sequence[str], message: str
) -> PhotoRequest:
    """Ask the buyer for more photos: the case leaves the queue until they submit again."""
    if review.reappraisal_id is not None:
        raise ValidationError(_("A re-appraisal works from the photos and evidence given."))
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("Tell the buyer what you need to see.")})
    if len(message) > 500:
        raise ValidationError({"message": _("Keep the message under 500 characters.")})
    codes = list(dict.fromkeys(slot_codes))
    if not codes:
        raise ValidationError({"slots": _("Name at least one photo slot.")})
    now = timezone.now()
    with transaction.atomic():
        locked = _held(review, expert, now=now)
        submission = Submission.objects.select_for_update().get(pk=locked.submission_id)
        slots = {s.code: s.name for s in submission.category.slots.all()}
        unknown = [code for code in codes if code not in slots]
        if unknown:
            raise ValidationError(
                {
                    "slots": _("Not a slot of this category: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )
        request = PhotoRequest.objects.create(
            submission=submission,
            review=locked,
            round=submission.round,
            slot_codes=codes,
            message=message,
        )
        Review.objects.filter(submission=submission, round=submission.round).exclude(
            state=State.SIGNED
        ).update(state=State.WITHDRAWN, claim_expires_at=None)
        submission_status_move(submission=submission, to=Status.NEEDS_RETAKE)
        submission.save(update_fields=["status", "updated_at"])
        names = ", ".join(slots[code] for code in codes)
        submission_event_add(submission, Kind.MORE_PHOTOS_REQUESTED, f"{names}: {message}"[:500])
        with translation.override(submission.owner.language):
            notification_send(
                user=submission.owner,
                subject=_("%(reference)s: the expert needs more photos")
                % {"reference": submission.reference},
                body=_("Please add: %(slots)s.") % {"slots": names} + f"\n\n{message}",
                link=reverse("appraisals:submission-detail", args=[submission.uid]),
            )
    return request
