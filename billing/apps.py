from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        # Membership's pages say whether a pass renews; only billing knows, and membership
        # sits below it, so billing hands it the answer rather than being imported.
        from billing.selectors.passes import pass_renews
        from membership.selectors.pages import pass_renewal_provide

        pass_renewal_provide(pass_renews)
