"""A resolved dispute tells the opener's credit record what it showed: ``dispute_upheld`` when
the report was wrong (corrected, overturned), ``dispute_rejected`` when the dispute failed
(rejected, verdict upheld); once per dispute."""

from __future__ import annotations

from typing import Any

import pytest

from disputes.models import Dispute
from disputes.services import dispute_triage
from disputes.tests.settling import opened, reappraised, report_of, staff_member
from members.models import User
from membership.models import CreditSignal

pytestmark = pytest.mark.django_db


def test_a_rejected_dispute_and_a_corrected_report_leave_their_signals(
    buyer: User, catalog: dict[str, Any]
) -> None:
    report = report_of(buyer, catalog["handbag"])
    rejected = dispute_triage(
        dispute=opened(report, buyer), staff=staff_member(), decision="reject", reason="No fault."
    )
    corrected = dispute_triage(
        dispute=opened(report, buyer),
        staff=staff_member(),
        decision="clerical",
        reason="Serial typo",
        changes={"item": {**report.document["item"], "serial": "AR1234"}},
    )

    assert corrected.outcome == Dispute.Outcome.CORRECTED
    signals = {s.reference: (s.member, s.kind) for s in CreditSignal.objects.all()}
    assert signals == {
        f"dispute:{rejected.uid.hex}": (buyer, "dispute_rejected"),
        f"dispute:{corrected.uid.hex}": (buyer, "dispute_upheld"),
    }
    assert CreditSignal.objects.get(reference=f"dispute:{rejected.uid.hex}").occurred_at == (
        rejected.resolved_at
    )


def test_an_upheld_verdict_is_a_rejected_dispute(buyer: User, catalog: dict[str, Any]) -> None:
    dispute = reappraised(opened(report_of(buyer, catalog["handbag"]), buyer), ("authentic",) * 2)

    assert dispute.outcome == Dispute.Outcome.UPHELD
    assert CreditSignal.objects.get(member=buyer).kind == "dispute_rejected"
