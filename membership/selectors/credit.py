"""A member's credit score (信用) with its explanation, in the reader's language.

The numbers come from the pure rule in ``membership/credit.py``; this reads the member's
signals and writes each factor and each way to improve as a sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from authplatform.localized import localized_day
from members.models import User
from membership.credit import RULES, CreditInput, CreditResult, Factor, Signal, credit_for
from membership.models import CreditSignal
from membership.tiers import months_add

# The longest window any signal counts in: older signals are never read.
LONGEST_WINDOW_MONTHS = max(rule.window_months for rule in RULES.values())


@dataclass(frozen=True)
class CreditFactor:
    label: str
    effect: int  # points added (negative: taken)
    detail: str


@dataclass(frozen=True)
class CreditScore:
    score: int
    band: str  # "excellent" | "good" | "fair" | "low"
    band_label: str
    factors: tuple[CreditFactor, ...]
    improve: tuple[str, ...]
    result: CreditResult  # the rule's own output, for callers that route on it


def credit_signals(member: User, *, now: datetime | None = None) -> QuerySet[CreditSignal]:
    """The member's signals recent enough to count in some window, newest first."""
    now = now or timezone.now()
    return CreditSignal.objects.filter(
        member=member, occurred_at__gt=months_add(now, -LONGEST_WINDOW_MONTHS), occurred_at__lte=now
    ).order_by("-occurred_at", "-id")


def _band_label(band: str) -> str:
    return {
        "excellent": pgettext("credit band", "Excellent"),
        "good": pgettext("credit band", "Good"),
        "fair": pgettext("credit band", "Fair"),
        "low": pgettext("credit band", "Low"),
    }[band]


def _factor_text(factor: Factor) -> CreditFactor:
    n = factor.count
    until = localized_day(factor.changes_at) if factor.changes_at else ""
    if factor.code == "age":
        label = ngettext("Member for %(n)d month", "Member for %(n)d months", n) % {"n": n}
        detail = (
            gettext("One point a month, up to a year; the next comes on %(day)s.") % {"day": until}
            if until
            else gettext("The full year's points.")
        )
    elif factor.code == "email":
        label = gettext("Email address verified") if n else gettext("Email address not verified")
        detail = "" if n else gettext("Verifying it adds points.")
    else:
        label = {
            "dispute_upheld": ngettext("%(n)d dispute upheld", "%(n)d disputes upheld", n),
            "dispute_rejected": ngettext("%(n)d dispute rejected", "%(n)d disputes rejected", n),
            "risk_flag": ngettext("%(n)d risk flag", "%(n)d risk flags", n),
            "payment_failed": ngettext("%(n)d failed payment", "%(n)d failed payments", n),
            "chargeback": ngettext("%(n)d chargeback", "%(n)d chargebacks", n),
        }[factor.code] % {"n": n}
        detail = gettext("The oldest stops counting on %(day)s.") % {"day": until}
    return CreditFactor(label=label, effect=factor.effect, detail=detail)


def _improve_text(code: str) -> str:
    return {
        "verify_email": gettext("Verify your email address from your account page."),
        "dispute_rejected": gettext(
            "Open a dispute when you have evidence the report is wrong: rejected disputes lower "
            "the score for two years."
        ),
        "risk_flag": gettext(
            "Submit your own photos of items you hold; risk flags stop counting after a year."
        ),
        "payment_failed": gettext(
            "Pay with a card that has funds; failed payments stop counting after a year."
        ),
        "chargeback": gettext(
            "Ask us for a refund instead of your bank: chargebacks lower the score for two years."
        ),
        "age": gettext("The score grows by a point each month of your first year."),
    }[code]


def credit_score(member: User, *, now: datetime | None = None) -> CreditScore:
    """The member's score now, with each factor and how to improve it (3 queries at most)."""
    now = now or timezone.now()
    signals = tuple(
        Signal(kind=kind, occurred_at=at)  # type: ignore[arg-type]
        for kind, at in credit_signals(member, now=now).values_list("kind", "occurred_at")
    )
    result = credit_for(
        CreditInput(
            joined_at=member.date_joined,
            email_verified=member.email_verified,
            signals=signals,
            now=now,
        )
    )
    return CreditScore(
        score=result.score,
        band=result.band,
        band_label=_band_label(result.band),
        factors=tuple(_factor_text(f) for f in result.factors),
        improve=tuple(_improve_text(code) for code in result.improve),
        result=result,
    )
