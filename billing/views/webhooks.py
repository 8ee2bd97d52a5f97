"""Stripe's webhook endpoint: ``POST /billing/webhooks/stripe/``.

Stripe signs each delivery; there is no session or CSRF token, so the signature is the only
credential. Errors are JSON in the API's shape (``{"error": {"code", "message", "fields"}}``).
A 400 tells Stripe the delivery is bad (it retries, and its dashboard shows our message); a
200 means the event is recorded, whatever we made of it.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from authplatform.errors import error_body
from billing.services.invoices import BillingRefused
from billing.services.webhooks import stripe_event_apply


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        recorded = stripe_event_apply(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except BillingRefused as refusal:
        return JsonResponse(error_body(refusal.code, refusal.message), status=400)
    return JsonResponse(
        {"id": recorded.event_id, "type": recorded.type, "outcome": recorded.outcome}
    )
