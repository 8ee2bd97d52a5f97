from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = _("Webhooks")
    # webhooks/subscribers.py (found by events.apps.EventsConfig) turns domain events into
    # partners' webhook events.
