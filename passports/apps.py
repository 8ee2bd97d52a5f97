from django.apps import AppConfig


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = "Item passports"

    def ready(self) -> None:
        # A signed report adds an appraisal event to its item's passport.
        from passports import receivers  # noqa: F401
