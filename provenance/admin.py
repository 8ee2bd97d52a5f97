"""Read-only views of the anchoring state for staff: nothing here is edited by hand."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from authplatform.admin_readonly import ReadOnlyModelAdmin
from provenance.models import AnchorTransaction, Batch, Deployment, Document, SigningKey


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyModelAdmin):
    list_display = ["chain_id", "address", "block_number", "created_at", "retired_at"]


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under their parent, never added, changed or deleted here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.fields or ()

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransactionInline(ReadOnlyInline):
    model = AnchorTransaction
    fields = ["tx_hash", "nonce", "state", "max_fee_per_gas", "gas_used", "sent_at"]


@admin.register(Batch)
class BatchAdmin(ReadOnlyModelAdmin):
    list_display = ["seq", "deployment", "size", "state", "block_number", "anchored_at"]
    list_filter = ["state", "deployment"]
    search_fields = ["root"]
    inlines = [TransactionInline]


@admin.register(Document)
class DocumentAdmin(ReadOnlyModelAdmin):
    list_display = ["doc_type", "doc_id", "batch", "created_at"]
    list_filter = ["doc_type"]
    search_fields = ["doc_id", "root"]
    exclude = ["salts"]  # secret until the owner discloses a field


@admin.register(SigningKey)
class SigningKeyAdmin(ReadOnlyModelAdmin):
    """Kept by signing_keys_sync (docs/provenance.md: retiring a compromised key)."""

    list_display = ["address", "valid_from", "retired_at", "created_at"]
