from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Domain events"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app's subscribers.py registers what it reacts to (events.registry.subscriber).
        autodiscover_modules("subscribers")
