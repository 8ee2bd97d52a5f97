from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = _("Appraisals")

    def ready(self) -> None:
        from appraisals.models.reports import REPORT_DOCUMENT_TYPE
        from appraisals.presenters import report_photo_open, report_summary
        from provenance.presenters import presenter_register

        # The public verification page says what a report's proof is about (item, verdict,
        # photos) through this, since provenance knows no reports.
        presenter_register(REPORT_DOCUMENT_TYPE, summary=report_summary, photo=report_photo_open)
