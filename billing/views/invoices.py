"""A member's invoices: the list, one invoice, its PDF, and paying a due one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from billing.pdf import invoice_context, invoice_pdf
from billing.selectors.invoices import invoice_of, invoices_of
from billing.services.invoices import BillingRefused, checkout_start
from members.http import AuthenticatedHttpRequest


@login_required
@require_GET
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "billing/invoice_list.html", {"invoices": invoices_of(request.user)})


@login_required
@require_GET
def invoice_detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = invoice_of(request.user, number)
    return render(request, "billing/invoice_detail.html", invoice_context(invoice))


@login_required
@require_GET
def invoice_pdf_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    invoice = invoice_of(request.user, number)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{invoice.number}.pdf"'
    return response


@login_required
@require_POST
def invoice_pay(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Send the member to the provider's payment page; in invoice mode, back to the invoice,
    which says how to pay it."""
    invoice = invoice_of(request.user, number)
    here = request.build_absolute_uri(reverse("billing:invoice-detail", args=[invoice.number]))
    try:
        url = checkout_start(invoice=invoice, success_url=here, cancel_url=here)
    except BillingRefused as refused:
        messages.error(request, refused.message)
        context = {**invoice_context(invoice), "error": refused.message}
        return render(request, "billing/invoice_detail.html", context, status=400)
    if url:
        return redirect(url)
    messages.info(
        request,
        _("Pay invoice %(number)s by bank transfer; staff mark it paid when it arrives.")
        % {"number": invoice.number},
    )
    return redirect("billing:invoice-detail", invoice.number)
