"""The sandbox's bot expert: it signs sandbox cases with the outcome the partner asked for.

Sandbox submissions (made with a sandbox API key) go through the real photo check and the real
AI pre-screen; instead of waiting in the expert queue, which never shows them, each open seat
is taken and signed by this bot. Its findings say plainly that no person examined the item.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from appraisals.models import (
    ConditionGrade,
    Feature,
    FindingResult,
    Review,
    Status,
    Submission,
    Verdict,
)
from appraisals.policies import ReviewBy, policy_for
from appraisals.services.reviews import finding_save, review_condition_save, review_sign
from members.models import User

SANDBOX_BOT_EMAIL = "sandbox-bot@authplatform.invalid"
SANDBOX_OUTCOMES = (Verdict.AUTHENTIC, Verdict.COUNTERFEIT, Verdict.INCONCLUSIVE)
_FINDING_FOR = {
    Verdict.AUTHENTIC: FindingResult.CONSISTENT,
    Verdict.COUNTERFEIT: FindingResult.INCONSISTENT,
    Verdict.INCONCLUSIVE: FindingResult.CANNOT_TELL,
}
_NOTE = "Sandbox: set by the partner's request; no expert examined this item."


def sandbox_bot_get() -> User:
    """The bot's account: it cannot sign in, and it is in no expert group, so it never takes a
    seat from the real queue."""
    bot, created = User.objects.get_or_create(
        email=SANDBOX_BOT_EMAIL, defaults={"full_name": "Sandbox bot", "is_active": False}
    )
    if created:
        bot.set_unusable_password()
        bot.save(update_fields=["password"])
    return bot


def sandbox_review_run(*, submission_id: int, round: int) -> str:
    """Sign every open seat of a sandbox case's round; the report follows as for any case."""
    submission = Submission.objects.get(pk=submission_id)
    if policy_for(submission).review_by is not ReviewBy.SANDBOX_BOT:
        return "not the bot's"
    if submission.status != Status.AWAITING_EXPERT or submission.round != round:
        return "skipped"
    bot = sandbox_bot_get()
    verdict = submission.sandbox_outcome or Verdict.AUTHENTIC
    signed = 0
    seats = Review.objects.filter(
        submission=submission, round=round, reappraisal__isnull=True, state=Review.State.OPEN
    ).order_by("id")
    for seat in seats:
        with transaction.atomic():
            now = timezone.now()
            claimed = Review.objects.filter(pk=seat.pk, state=Review.State.OPEN).update(
                expert=bot,
                state=Review.State.CLAIMED,
                claimed_at=now,
                claim_expires_at=now + timedelta(minutes=10),
            )
            if not claimed:
                continue
            seat.refresh_from_db()
            for feature in Feature:
                finding_save(
                    review=seat,
                    expert=bot,
                    feature=feature.value,
                    result=_FINDING_FOR[Verdict(verdict)],
                    reason=_NOTE,
                )
            review_condition_save(
                review=seat,
                expert=bot,
                grade=ConditionGrade.VERY_GOOD,
                wear_notes="none seen (sandbox)",
                repairs="none seen (sandbox)",
                replaced_parts="none seen (sandbox)",
            )
            review_sign(
                review=seat,
                expert=bot,
                verdict=verdict,
                reason=_NOTE if verdict == Verdict.INCONCLUSIVE else "",
            )
            signed += 1
    return f"signed {signed}"
