"""Admin: staff see every trained version with its figures and choose the active one."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from ml.models import ModelVersion
from ml.services import model_version_activate


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "is_active",
        "arch",
        "image_size",
        "val_auroc",
        "heldout_accuracy",
        "created_at",
    ]
    list_filter = ["is_active", "arch"]
    actions = ["activate"]
    readonly_fields = [f.name for f in ModelVersion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Versions come from `manage.py train_classifier`, never from a form.
        return False

    @admin.display(description="validation AUROC")
    def val_auroc(self, version: ModelVersion) -> str:
        value = version.metrics.get("val_auroc")
        return f"{value:.3f}" if isinstance(value, int | float) else "—"

    @admin.display(description="held-out accuracy")
    def heldout_accuracy(self, version: ModelVersion) -> str:
        value = (version.evaluation.get("overall") or {}).get("accuracy")
        return f"{value:.3f}" if isinstance(value, int | float) else "—"

    @admin.action(description="Make the selected version the active model")
    def activate(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version.", messages.ERROR)
            return
        version = queryset.get()
        try:
            model_version_activate(version=version)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        self.message_user(request, f"{version.name} is now the active model.", messages.SUCCESS)
