"""Buying a pass (the passes with their prices and a pay button) and cancelling its renewal."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from billing.forms import PassChoiceForm
from billing.selectors.passes import pass_status, passes_on_offer
from billing.services.invoices import BillingRefused, checkout_start
from billing.services.passes import pass_cancel, pass_checkout
from members.http import AuthenticatedHttpRequest


def _upgrade_page(
    request: AuthenticatedHttpRequest, form: PassChoiceForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "passes": passes_on_offer(),
        "current": pass_status(request.user),
    }
    return render(request, "billing/pass_upgrade.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def pass_upgrade(request: AuthenticatedHttpRequest) -> HttpResponse:
    # The plans page links here with ?plan=<code> to preselect the pass.
    form = PassChoiceForm(request.POST or None, initial={"plan": request.GET.get("plan")})
    if request.method != "POST":
        return _upgrade_page(request, form)
    if not form.is_valid():
        return _upgrade_page(request, form, status=400)
    try:
        invoice = pass_checkout(member=request.user, plan=form.cleaned_data["plan"])
        detail = request.build_absolute_uri(
            reverse("billing:invoice-detail", args=[invoice.number])
        )
        url = checkout_start(
            invoice=invoice,
            success_url=detail,
            cancel_url=request.build_absolute_uri(reverse("billing:pass-upgrade")),
        )
    except BillingRefused as refused:
        form.add_error(None, refused.message)
        return _upgrade_page(request, form, status=400)
    if url:
        return redirect(url)
    messages.info(
        request,
        _(
            "Invoice %(number)s is due. Pay it by bank transfer; staff mark it paid when it "
            "arrives, and your pass starts then."
        )
        % {"number": invoice.number},
    )
    return redirect("billing:invoice-detail", invoice.number)


@login_required
@require_http_methods(["GET", "POST"])
def pass_cancel_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = pass_status(request.user)
    if request.method == "POST":
        try:
            pass_cancel(member=request.user)
        except BillingRefused as refused:
            context = {"current": current, "error": refused.message}
            return render(request, "billing/pass_cancel.html", context, status=400)
        messages.success(request, _("Your pass won't renew. It holds until its end date."))
        return redirect("billing:pass-upgrade")
    return render(request, "billing/pass_cancel.html", {"current": current})
