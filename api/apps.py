from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Partner API"

    def ready(self) -> None:
        from api import schema, verify_cache  # noqa: F401 (schema extension; cache receivers)
