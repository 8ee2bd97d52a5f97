"""The routing policy over its whole decision table. The AI never decides the verdict."""

from __future__ import annotations

import itertools

import pytest

from appraisals.routing import RoutingInput, RoutingPolicy, probability_band, route

POLICY = RoutingPolicy(
    high_value_eur=5000, counterfeit_confident=0.8, authentic_confident=0.2, random_qa_rate=0.05
)


def _case(**overrides: object) -> RoutingInput:
    base: dict[str, object] = {
        "tier": "standard",
        "item_value_eur": 1000,
        "probability": 0.05,
        "serial_findings": (),
        "serial_match": "match",
        "unreadable_required": (),
        "qa_draw": 0.9,
    }
    base.update(overrides)
    return RoutingInput(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("probability", "band"),
    [(None, "medium"), (0.0, "low"), (0.2, "low"), (0.21, "medium"), (0.79, "medium"),
     (0.8, "high"), (1.0, "high")],
)  # fmt: skip
def test_it_bands_the_calibrated_probability(probability: float | None, band: str) -> None:
    assert probability_band(probability, POLICY) == band


# Every combination of the inputs that matter, with the depth the policy must give.
TABLE = list(
    itertools.product(
        [0.05, 0.5, 0.95, None],  # probability: confident genuine, unsure, confident fake, none
        [1000, 5000, None],  # item value: ordinary, high (at the threshold), unknown
        [(), ("date code week 54 does not exist",)],  # serial findings
        ["match", "mismatch", "typed_missing", "unread"],  # typed vs read
        [0.9, 0.01],  # QA draw: not picked, picked
    )
)


@pytest.mark.parametrize(("probability", "value", "findings", "match", "qa"), TABLE)
def test_the_decision_table(
    probability: float | None, value: int | None, findings: tuple[str, ...], match: str, qa: float
) -> None:
    decision = route(
        _case(
            probability=probability,
            item_value_eur=value,
            serial_findings=findings,
            serial_match=match,
            qa_draw=qa,
        ),
        POLICY,
    )
    must_double = (
        probability is None
        or probability >= 0.8
        or 0.2 < probability < 0.8
        or (value is not None and value >= 5000)
        or bool(findings)
        or match == "mismatch"
        or qa < 0.05
    )
    assert decision.review_depth == ("double" if must_double else "single")
    assert decision.reasons, "every decision says why"
    assert not decision.needs_retake


def test_a_plain_case_gets_one_expert_and_says_an_expert_still_reviews() -> None:
    decision = route(_case(), POLICY)
    assert decision.review_depth == "single"
    assert decision.band == "low"
    assert "an expert still reviews every feature" in decision.reasons[0]


def test_confident_counterfeit_raises_priority_and_asks_for_a_second_expert() -> None:
    plain = route(_case(), POLICY)
    fake = route(_case(probability=0.93), POLICY)
    assert fake.review_depth == "double" and fake.band == "high"
    assert fake.priority > plain.priority
    assert any("second blind expert must confirm" in r for r in fake.reasons)


def test_express_cases_come_before_standard_ones_at_equal_risk() -> None:
    assert route(_case(tier="express"), POLICY).priority > route(_case(), POLICY).priority


def test_a_high_value_item_gets_a_second_expert_even_when_the_ai_is_confident_genuine() -> None:
    decision = route(_case(item_value_eur=25000, probability=0.01), POLICY)
    assert decision.review_depth == "double"
    assert any("High-value item (about €25,000)" in r for r in decision.reasons)


def test_broken_serial_rules_are_quoted_in_the_reasons() -> None:
    decision = route(_case(serial_findings=("date code week 54 does not exist",)), POLICY)
    assert decision.review_depth == "double"
    assert any("week 54 does not exist" in r for r in decision.reasons)


def test_an_unreadable_required_serial_photo_is_sent_back_for_retake() -> None:
    decision = route(_case(unreadable_required=(("date_code", "Serial / date-code tag"),)), POLICY)
    assert decision.needs_retake
    assert decision.retakes[0].slot_code == "date_code"
    assert "couldn't read the code" in decision.retakes[0].hint


def test_random_qa_only_adds_a_second_expert_never_removes_one() -> None:
    picked = route(_case(qa_draw=0.0), POLICY)
    assert picked.review_depth == "double"
    assert any("quality assurance" in r for r in picked.reasons)
    not_picked_but_risky = route(_case(qa_draw=0.99, probability=0.9), POLICY)
    assert not_picked_but_risky.review_depth == "double"


@pytest.mark.parametrize(("band", "depth"), [("low", "double"), ("fair", "single"),
                                             ("good", "single"), ("excellent", "single"),
                                             ("", "single")])  # fmt: skip
def test_only_a_low_credit_score_adds_a_second_expert(band: str, depth: str) -> None:
    decision = route(_case(credit_band=band), POLICY)
    assert decision.review_depth == depth
    assert any("credit" in r for r in decision.reasons) == (band == "low")
    # Credit changes who looks, never how urgently or what they conclude.
    assert decision.priority == route(_case(), POLICY).priority
