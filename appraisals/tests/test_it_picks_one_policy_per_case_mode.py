"""The case policies (appraisals/policies.py): one per mode, and a query filter that agrees
with them on every behaviour."""

from __future__ import annotations

from typing import Any

import pytest

from appraisals.models import Submission
from appraisals.policies import (
    BEHAVIOURS,
    LIVE,
    POLICIES,
    SANDBOX,
    ReviewBy,
    policy_assign,
    policy_filter,
    policy_for,
)
from appraisals.tests.factories import draft_for


def test_each_mode_has_its_policy_and_the_stored_mode_gives_it_back() -> None:
    for policy in POLICIES:
        case = Submission()
        assert policy_assign(submission=case, policy=policy) == ["sandbox"]
        assert policy_for(case) is policy
    assert policy_for(Submission()) is LIVE  # a case made on the website
    assert (LIVE.review_by, SANDBOX.review_by) == (ReviewBy.EXPERTS, ReviewBy.SANDBOX_BOT)


def test_every_behaviour_is_a_decision_the_policies_differ_on() -> None:
    """A behaviour every policy shares decides nothing: it belongs in the services."""
    assert BEHAVIOURS
    for behaviour in BEHAVIOURS:
        assert len({getattr(policy, behaviour) for policy in POLICIES}) > 1, behaviour


@pytest.mark.django_db
def test_the_query_filter_picks_the_cases_whose_policy_has_the_behaviour(
    buyer: Any, catalog: Any
) -> None:
    cases = [draft_for(buyer, catalog["handbag"]) for _ in POLICIES]
    for case, policy in zip(cases, POLICIES, strict=True):
        case.save(update_fields=policy_assign(submission=case, policy=policy))

    for behaviour in sorted(BEHAVIOURS):
        for value in {getattr(policy, behaviour) for policy in POLICIES}:
            picked = set(Submission.objects.filter(policy_filter(**{behaviour: value})))
            assert picked == {c for c in cases if getattr(policy_for(c), behaviour) == value}
    both = Submission.objects.filter(policy_filter(anchors_reports=True, counts_for_sla=True))
    assert list(both) == [cases[0]]


def test_the_query_filter_refuses_a_behaviour_no_policy_has() -> None:
    with pytest.raises(TypeError, match="anchors_passports"):
        policy_filter(anchors_passports=True)
