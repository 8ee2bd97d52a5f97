"""What a case's mode decides, as one named policy: the services ask it, never the mode.

A partner's key chooses the mode at the edge (``api/``): a live key's case is worked by
experts and its report is anchored and joins a passport; a sandbox key's case is signed by
the sandbox bot with the outcome the partner asked for and leaves no trace outside the
partner's test data. The mode is stored on the case (``Submission.sandbox``); `policy_for` and
`policy_filter` are the only readers of that field, so a new behaviour is one more field here,
not one more ``if`` in a service.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Literal

from django.db.models import Q

from appraisals.routing import Depth

if TYPE_CHECKING:
    from appraisals.models import Submission

Mode = Literal["live", "sandbox"]


class ReviewBy(StrEnum):
    EXPERTS = "experts"  # the expert queue
    SANDBOX_BOT = "sandbox bot"  # appraisals/services/sandbox.py, with the partner's outcome


@dataclass(frozen=True)
class CasePolicy:
    mode: Mode
    # Who signs the case's seats; only the experts' cases are in the expert queue.
    review_by: ReviewBy
    # Fixed review depth ("single"), or None for what the AI's routing decides. A second
    # blind seat for the bot would be the bot again.
    review_depth: Depth | None
    # The AI's request for new photos goes to the buyer; otherwise the case goes on to review.
    requests_retakes: bool
    # The signed document says ``"sandbox": true`` (and its page a SANDBOX banner).
    labels_reports_sandbox: bool
    # Each report version is registered for anchoring on chain (and a correction revokes the
    # version it replaces there).
    anchors_reports: bool
    # Each report version becomes an event on the item's passport.
    records_passport: bool
    # The tier's due time is a promise: running past it is recorded as a breach.
    counts_for_sla: bool


LIVE = CasePolicy(
    mode="live",
    review_by=ReviewBy.EXPERTS,
    review_depth=None,
    requests_retakes=True,
    labels_reports_sandbox=False,
    anchors_reports=True,
    records_passport=True,
    counts_for_sla=True,
)
SANDBOX = CasePolicy(
    mode="sandbox",
    review_by=ReviewBy.SANDBOX_BOT,
    review_depth="single",
    # The partner chose the outcome: the case goes on to the bot whatever the AI asks.
    requests_retakes=False,
    labels_reports_sandbox=True,
    anchors_reports=False,
    records_passport=False,
    counts_for_sla=False,
)
POLICIES = (LIVE, SANDBOX)
BEHAVIOURS = frozenset(field.name for field in dataclasses.fields(CasePolicy)) - {"mode"}


def policy_for(submission: Submission) -> CasePolicy:
    """The policy of a case, from the mode stored when it was created."""
    return SANDBOX if submission.sandbox else LIVE


def policy_assign(*, submission: Submission, policy: CasePolicy) -> list[str]:
    """Store ``policy`` as the case's mode (at creation); returns the fields to save."""
    submission.sandbox = policy.mode == "sandbox"
    return ["sandbox"]


def policy_filter(*, via: str = "", **behaviours: object) -> Q:
    """A query filter for the cases whose policy has every one of ``behaviours``, e.g.
    ``policy_filter(counts_for_sla=True)``; ``via`` is the path from the queried model to its
    case (``"submission"`` for reviews)."""
    unknown = set(behaviours) - BEHAVIOURS
    if unknown:
        raise TypeError(f"No case policy behaviour is named {', '.join(sorted(unknown))}.")
    flags = [
        policy.mode == "sandbox"
        for policy in POLICIES
        if all(getattr(policy, name) == value for name, value in behaviours.items())
    ]
    return Q(**{f"{via}__sandbox__in" if via else "sandbox__in": flags})
