"""Staff manage partners and their keys; a new key's full text is shown once, never again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest

from api.models import ApiKey, Partner, Scope
from api.services import api_key_revoke


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["partner", "label", "scopes", "sandbox"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "requests_per_minute", "created_at"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["partner", "label", "prefix", "sandbox", "scopes", "last_used_at", "revoked_at"]
    list_filter = ["partner"]
    actions = ["revoke"]

    def get_form(
        self, request: HttpRequest, obj: ApiKey | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[ApiKey]]:
        if obj is not None:
            kwargs["fields"] = ["label"]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, text = ApiKey.issue(
            partner=form.cleaned_data["partner"],
            label=form.cleaned_data["label"],
            scopes=list(form.cleaned_data["scopes"]),
            sandbox=form.cleaned_data["sandbox"],
        )
        obj.pk, obj.prefix = key.pk, key.prefix
        messages.warning(request, f"The new key, shown this once: {text}")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            api_key_revoke(key=key)
            count += 1
        messages.success(request, f"{count} key(s) revoked.")
