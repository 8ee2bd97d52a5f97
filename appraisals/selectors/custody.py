"""A report's chain of custody: who holds it now, and what holding it gives. The one place the
rule is written; every page, API view and webhook that grants a holder's right asks here.

The holder is whoever submitted the case (``Submission.owner``), or whoever received its report
through an accepted transfer of the item's passport (``Submission.holder``, set by
``submission_holder_pass``). The holder alone may dispute the report, is paid its guarantee,
builds partial proofs of it (private fields such as the serial included) and downloads its
signed file when that file holds a full serial. A transfer moves all of it; the earlier holder
keeps only the disputes they opened themselves (``disputes.selectors``, from this rule). The
submitter's own case (its page, photos, timeline, feedback, and whether their name shows) stays
theirs.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404

from appraisals.models import Report, Submission
from appraisals.selectors.reports import report_get_public, report_signed_file_public
from members.models import User


def held_by(user: User, *, path: str = "") -> Q:
    """Rows whose case's report ``user`` holds; ``path`` leads from the queried model to the
    case (``""`` for submissions, ``"submission__"`` for reports, ``"report__submission__"``
    for disputes)."""
    return Q(**{f"{path}holder": user}) | Q(**{f"{path}holder__isnull": True, f"{path}owner": user})


def submission_held_by(submission: Submission, user: Any) -> bool:
    """Whether ``user`` holds the case's report, by the case as loaded in this request (no
    query); ``report_holder`` reads it afresh where a row may be older than a transfer."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (submission.holder_id or submission.owner_id) == user.pk


def report_holder(report: Report) -> User:
    """Who holds a report now.

    Never read from an item's owner: an item may carry other people's reports, and who owns
    it says nothing about who holds this one.
    """
    # Read now, not from a case loaded earlier: a transfer may have been accepted since.
    submission = Submission.objects.select_related("holder", "owner").get(pk=report.submission_id)
    return submission.holder or submission.owner


def report_get_for_holder(*, token: str, user: Any) -> Report:
    """The report at ``token`` for its current holder; anyone else, the earlier holder after a
    transfer included, gets the same 404 as for an unknown address."""
    report = report_get_public(token=token)
    if not submission_held_by(report.submission, user):
        raise Http404("No report of yours at this address.")
    return report


def report_signed_file_for(*, report: Report, user: Any) -> bool:
    """Whether ``user`` may download the report's signed file (canonical JSON, signed bundle):
    anyone when it holds no serial (``report_signed_file_public``), else its holder only."""
    return report_signed_file_public(report) or submission_held_by(report.submission, user)
