from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = _("Item passports")
    # passports/subscribers.py (found by events.apps.EventsConfig): a signed report and a
    # dispute's outcome become events on the item's passport.

    def ready(self) -> None:
        from appraisals.report_pages import report_note_register
        from passports.report_sections import passport_link

        # A report's page links the item's passport through this, since appraisals knows no
        # passports.
        report_note_register(passport_link)
