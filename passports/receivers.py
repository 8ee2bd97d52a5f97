"""Passports listen to appraisals (which never imports them)."""

from typing import Any

from django.dispatch import receiver

from appraisals.signals import dispute_resolved, report_issued
from passports.services import passport_record_dispute, passport_record_report


@receiver(report_issued, dispatch_uid="passports.report_issued")
def _report_issued(sender: Any, report: Any, **kwargs: Any) -> None:
    passport_record_report(report=report)


@receiver(dispute_resolved, dispatch_uid="passports.dispute_resolved")
def _dispute_resolved(sender: Any, dispute: Any, **kwargs: Any) -> None:
    passport_record_dispute(dispute=dispute)
