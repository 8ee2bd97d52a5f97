from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = "Item passports"
    # passports/subscribers.py (found by events.apps.EventsConfig): a signed report and a
    # dispute's outcome become events on the item's passport.
