"""The routing policy of the AI pre-screen, in one readable place.

The AI never issues a verdict: every case goes to an expert. What the pre-screen decides
is how urgently (``priority``) and how deeply (one expert, or a second blind expert) the
case is reviewed, and whether a required photo is unusable and must be retaken first.

The thresholds are settings (``ROUTING_*``); ``RoutingPolicy.from_settings`` reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Band = Literal["low", "medium", "high"]
Depth = Literal["single", "double"]


@dataclass(frozen=True)
class RoutingPolicy:
    high_value_eur: int = 5000
    counterfeit_confident: float = 0.8  # probability at or above: the AI is confident "fake"
    authentic_confident: float = 0.2  # probability at or below: the AI is confident "genuine"
    random_qa_rate: float = 0.05  # share of other cases that get a second expert anyway

    @classmethod
    def from_settings(cls) -> RoutingPolicy:
        from django.conf import settings

        return cls(
            high_value_eur=settings.ROUTING_HIGH_VALUE_EUR,
            counterfeit_confident=settings.ROUTING_COUNTERFEIT_CONFIDENT,
            authentic_confident=settings.ROUTING_AUTHENTIC_CONFIDENT,
            random_qa_rate=settings.ROUTING_RANDOM_QA_RATE,
        )


@dataclass(frozen=True)
class RoutingInput:
    tier: str  # "standard" | "express"
    item_value_eur: int | None
    probability: float | None  # calibrated counterfeit probability; None: nothing scored
    serial_findings: tuple[str, ...] = ()  # broken serial rules, as sentences
    serial_match: str = "typed_missing"  # ml.serials.serial_compare's answer
    unreadable_required: tuple[tuple[str, str], ...] = ()  # (slot code, slot name)
    qa_draw: float = 1.0  # a stable number in [0, 1) per case, for random QA
    # The submitter's credit band (membership/credit.py) when the case was pre-screened. Only
    # "low" changes anything: a second blind expert. Credit never touches the verdict.
    credit_band: str = ""


@dataclass(frozen=True)
class Retake:
    slot_code: str
    hint: str


@dataclass(frozen=True)
class RoutingDecision:
    band: Band
    review_depth: Depth
    priority: int  # higher is sooner; the queue orders by due time, then this
    reasons: tuple[str, ...]
    retakes: tuple[Retake, ...] = ()

    @property
    def needs_retake(self) -> bool:
        return bool(self.retakes)


def probability_band(probability: float | None, policy: RoutingPolicy) -> Band:
    if probability is None:
        return "medium"
    if probability >= policy.counterfeit_confident:
        return "high"
    if probability <= policy.authentic_confident:
        return "low"
    return "medium"


def route(case: RoutingInput, policy: RoutingPolicy) -> RoutingDecision:
    """Decide priority, review depth and retakes for one pre-screened case."""
    band = probability_band(case.probability, policy)
    reasons: list[str] = []
    double = False
    priority = 100 if case.tier == "express" else 0

    retakes = tuple(
        Retake(
            slot_code=code,
            hint=f"We couldn't read the code on “{name}”. Fill the frame with the tag or "
            "engraving, light it from the side, and tap to focus; or type the code yourself.",
        )
        for code, name in case.unreadable_required
    )
    if retakes:
        reasons.append("A required photo is unusable; the buyer is asked to retake it.")

    if case.probability is None:
        double = True
        priority += 10
        reasons.append("No photo could be scored by the AI: a second blind expert is required.")
    elif band == "high":
        double = True
        priority += 30
        reasons.append(
            f"The AI is confident of “counterfeit” ({case.probability:.0%}): a second blind "
            "expert must confirm before any report."
        )
    elif band == "medium":
        double = True
        priority += 10
        reasons.append(
            f"The AI is unsure ({case.probability:.0%} counterfeit): a second blind expert is "
            "required."
        )
    else:
        reasons.append(
            f"The AI found nothing unusual ({case.probability:.0%} counterfeit); an expert "
            "still reviews every feature."
        )

    if case.item_value_eur is not None and case.item_value_eur >= policy.high_value_eur:
        double = True
        priority += 20
        reasons.append(
            f"High-value item (about €{case.item_value_eur:,}): a second blind expert is required."
        )
    if case.serial_findings:
        double = True
        priority += 30
        reasons.append(
            "The serial code breaks the brand's rules: " + "; ".join(case.serial_findings)
        )
    if case.serial_match == "mismatch":
        double = True
        priority += 10
        reasons.append("The code the buyer typed differs from the one read on the photo.")
    if case.credit_band == "low":
        double = True
        reasons.append(
            "The submitter's credit score is low: a second blind expert reviews the case. "
            "Credit never decides the verdict."
        )
    if not double and case.qa_draw < policy.random_qa_rate:
        double = True
        reasons.append("Picked at random for quality assurance: a second blind expert reviews it.")

    return RoutingDecision(
        band=band,
        review_depth="double" if double else "single",
        priority=priority,
        reasons=tuple(reasons),
        retakes=retakes,
    )
