from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"
    # webhooks/subscribers.py (found by events.apps.EventsConfig) turns domain events into
    # partners' webhook events.
