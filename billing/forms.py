"""Forms of the billing pages (the pass a member buys) and of the admin's actions (a reason)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.selectors.passes import passes_on_offer
from membership.models import Plan


class PassChoiceForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.none(),
        to_field_name="code",
        label=_("Pass"),
        error_messages={
            "required": _("Choose a pass."),
            "invalid_choice": _("That pass is not on offer."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["plan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = passes_on_offer()


class ReasonForm(forms.Form):
    """The reason staff give for voiding or refunding invoices (the admin's confirmation)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason.")},
    )
