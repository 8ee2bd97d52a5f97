"""What disputes add to a report's page (``appraisals.report_pages``, registered in
``DisputesConfig.ready``): the outcomes of its disputes, and to a signed-in reader the way to
dispute it or to follow the dispute they opened."""

from __future__ import annotations

from django.template.loader import render_to_string

from appraisals.models import Report
from appraisals.selectors.custody import submission_held_by
from disputes.selectors import report_dispute_opened_by, report_disputes_resolved
from disputes.services import dispute_window_closes
from members.models import User


def dispute_outcomes(report: Report, *, for_pdf: bool) -> str:
    """Public and anonymised: each resolved dispute's outcome and date, never who or why."""
    disputes = list(report_disputes_resolved(report=report))
    if not disputes:
        return ""
    return render_to_string(
        "disputes/report_outcomes.html", {"report": report, "disputes": disputes}
    )


def dispute_entry(report: Report, *, user: User) -> str:
    """The dispute ``user`` opened of this version, or, for its holder, the way to open one."""
    return render_to_string(
        "disputes/holder_entry.html",
        {
            "report": report,
            "is_holder": submission_held_by(report.submission, user),
            "dispute": report_dispute_opened_by(report=report, user=user),
            "dispute_closes": dispute_window_closes(report),
        },
    )
