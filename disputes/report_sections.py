"""What disputes add to a report's page (``appraisals.report_pages``, registered in
``DisputesConfig.ready``): that one is open, the outcomes of its disputes, and to a signed-in
reader the way to dispute it or to follow the dispute they opened."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from appraisals.models import Report
from appraisals.selectors.custody import submission_held_by
from disputes.models import Dispute
from disputes.selectors import report_dispute_opened_by, report_disputes_public
from disputes.services import dispute_window_closes
from members.models import User


def dispute_open_banner(report: Report, *, for_pdf: bool) -> str:
    """Public and anonymised, at the top: the report is under dispute, since when and at which
    step; never who disputed or why."""
    disputes = report_disputes_public(report=report)
    open_dispute = next((d for d in disputes if d.state != Dispute.State.RESOLVED), None)
    if open_dispute is None:
        return ""
    return render_to_string("disputes/report_open.html", {"open_dispute": open_dispute})


def dispute_outcomes(report: Report, *, for_pdf: bool) -> str:
    """Public and anonymised: each resolved dispute's outcome and date, never who or why."""
    disputes = [
        d for d in report_disputes_public(report=report) if d.state == Dispute.State.RESOLVED
    ]
    if not disputes:
        return ""
    return render_to_string(
        "disputes/report_outcomes.html", {"report": report, "disputes": disputes}
    )


def dispute_entry(report: Report, *, user: User) -> str:
    """The dispute ``user`` opened of this version, or, for its holder, the way to open one;
    nothing for anyone else."""
    is_holder = submission_held_by(report.submission, user)
    dispute = report_dispute_opened_by(report=report, user=user)
    if dispute is None and not is_holder:
        return ""
    return render_to_string(
        "disputes/holder_entry.html",
        {
            "report": report,
            "is_holder": is_holder,
            "dispute": dispute,
            "dispute_closes": dispute_window_closes(report),
            "window_open": timezone.now() <= dispute_window_closes(report),
            "superseded": Report.objects.filter(supersedes=report).exists(),
        },
    )
