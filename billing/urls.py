"""The billing pages, under /billing/ (authplatform/urls.py)."""

from django.urls import path

from billing.views import invoices, passes, webhooks

app_name = "billing"

urlpatterns = [
    path("invoices/", invoices.invoice_list, name="invoice-list"),
    path("invoices/<str:number>/", invoices.invoice_detail, name="invoice-detail"),
    path("invoices/<str:number>/pdf/", invoices.invoice_pdf_view, name="invoice-pdf"),
    path("invoices/<str:number>/pay/", invoices.invoice_pay, name="invoice-pay"),
    path("pass/", passes.pass_upgrade, name="pass-upgrade"),
    path("pass/cancel/", passes.pass_cancel_view, name="pass-cancel"),
    path("webhooks/stripe/", webhooks.stripe_webhook, name="stripe-webhook"),
]
