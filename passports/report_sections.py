"""What passports add to a report's page (``appraisals.report_pages``, registered in
``PassportsConfig.ready``): a link to the item's passport, which appraisals knows nothing of."""

from __future__ import annotations

from django.template.loader import render_to_string

from appraisals.models import Report
from passports.models import PassportEvent


def passport_link(report: Report, *, for_pdf: bool) -> str:
    """The page links the passport the report version is an event of; the PDF does not."""
    if for_pdf:
        return ""
    event = PassportEvent.objects.filter(report=report).select_related("item").first()
    if event is None:
        return ""
    return render_to_string("passports/report_link.html", {"item": event.item})
