"""What appraisals does when billing or its own reports change something (events/,
docs/events.md): a paid fee submits its case (or is refunded, when the case went through
without it); a voided one releases the free appraisal held for it; an inconclusive report
gives the fee back and earns no points.

Each handler is safe to run twice: the outbox may deliver an event again.
"""

from __future__ import annotations

from django.db import transaction

from appraisals.events import ReportIssued
from appraisals.models import Report, Submission, Verdict
from appraisals.services.payments import (
    submission_after_payment,
    submission_after_void,
    submission_fee_return,
)
from appraisals.services.rewards import report_points_award
from billing.events import InvoicePaid, InvoiceVoided
from billing.models import Invoice
from events.registry import subscriber


@subscriber(InvoicePaid, name="appraisals.submit_paid_case")
def submit_paid_case(event: InvoicePaid) -> None:
    if event.purpose == Invoice.Purpose.APPRAISAL:
        submission_after_payment(reference=event.reference)


@subscriber(InvoiceVoided, name="appraisals.release_quota_of_void_invoice")
def release_quota_of_void_invoice(event: InvoiceVoided) -> None:
    if event.purpose == Invoice.Purpose.APPRAISAL:
        submission_after_void(reference=event.reference)


@subscriber(ReportIssued, name="appraisals.return_fee_of_inconclusive")
def return_fee_of_inconclusive(event: ReportIssued) -> None:
    """An inconclusive report (the first or a correction): the quota comes back and a paid
    fee is refunded, outside the signing transaction so a slow payment provider never holds
    up a report. A case that never paid anything (a partner's) has nothing to give back."""
    verdict = Report.objects.filter(pk=event.report_id).values_list("verdict", flat=True).first()
    if verdict != Verdict.INCONCLUSIVE:
        return
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=event.submission_id)
        submission_fee_return(submission=submission, reason="inconclusive")


@subscriber(ReportIssued, name="appraisals.earn_points_for_report")
def earn_points_for_report(event: ReportIssued) -> None:
    """``POINTS_FOR_APPRAISAL`` points to the case's owner for its first report (reference
    ``report:<id>``, so a redelivery earns once)."""
    report_points_award(report_id=event.report_id)
