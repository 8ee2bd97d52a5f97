from django import forms
from django.utils.translation import gettext_lazy as _

from passports.models import PassportEvent


class TransferForm(forms.Form):
    to_email = forms.EmailField(label=_("New owner's email address"))


class ServiceForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of work"),
        choices=[
            (PassportEvent.Kind.SERVICE, PassportEvent.Kind.SERVICE.label),
            (PassportEvent.Kind.REPAIR, PassportEvent.Kind.REPAIR.label),
        ],
    )
    summary = forms.CharField(max_length=300, min_length=3, label=_("What was done (public)"))
    occurred_on = forms.DateField(required=False, label=_("Date of the work"))


class LinkForm(forms.Form):
    target = forms.CharField(max_length=200, label=_("The passport it belongs to (its link)"))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        text = str(data.get("target", "")).strip().rstrip("/")
        # A pasted link (…/p/<token>/) or the bare token.
        data["target_token"] = text.rsplit("/p/", 1)[-1].split("/")[0] if text else ""
        return data
