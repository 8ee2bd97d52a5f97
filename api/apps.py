from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        # The schema extension, and the receivers that keep the caches honest.
        from api import authentication, report_cache, schema  # noqa: F401
