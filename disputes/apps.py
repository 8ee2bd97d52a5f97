from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")
    # disputes/subscribers.py (found by events.apps.EventsConfig): a signed re-appraisal seat
    # moves its dispute on.

    def ready(self) -> None:
        from appraisals.report_pages import (
            report_banner_register,
            report_holder_section_register,
            report_note_register,
        )
        from disputes.report_sections import dispute_entry, dispute_open_banner, dispute_outcomes

        # A report's page says that it is under dispute, shows its resolved disputes, and its
        # holder the way to dispute it, through these, since appraisals knows no disputes.
        report_banner_register(dispute_open_banner)
        report_note_register(dispute_outcomes)
        report_holder_section_register(dispute_entry)
