from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"
    # disputes/subscribers.py (found by events.apps.EventsConfig): a signed re-appraisal seat
    # moves its dispute on.

    def ready(self) -> None:
        from appraisals.report_pages import report_holder_section_register, report_note_register
        from disputes.report_sections import dispute_entry, dispute_outcomes

        # A report's page shows its resolved disputes, and its holder the way to dispute it,
        # through these, since appraisals knows no disputes.
        report_note_register(dispute_outcomes)
        report_holder_section_register(dispute_entry)
