"""An invoice as a PDF, in the reader's language, rendered by WeasyPrint from a template with
inline CSS and the system's fonts: nothing is fetched from the network."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from billing.models import Invoice


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """What the invoice page and its PDF show, besides the invoice itself."""
    return {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "seller": {
            "name": settings.BILLING_SELLER_NAME,
            "address": settings.BILLING_SELLER_ADDRESS,
            "vat_id": settings.BILLING_SELLER_VAT_ID,
        },
        # Card payments are on (Stripe): the page offers "Pay now"; else it says to transfer.
        "card_payments": settings.PAYMENT_PROVIDER != Invoice.Provider.INVOICE,
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in the active language."""
    from weasyprint import HTML

    context = {**invoice_context(invoice), "language": translation.get_language()}
    html = render_to_string("billing/invoice_pdf.html", context)
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf
