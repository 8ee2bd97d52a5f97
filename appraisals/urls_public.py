"""Public URLs: reports at their unguessable address, and the per-feature guides."""

from django.urls import path

from appraisals.views import reports as views

app_name = "public"

urlpatterns = [
    path("r/<slug:token>/", views.report_public, name="report"),
    path("r/<slug:token>/report.json", views.report_document, name="report-json"),
    path("r/<slug:token>/signed.json", views.report_bundle, name="report-bundle"),
    path("r/<slug:token>/report.pdf", views.report_pdf_view, name="report-pdf"),
    path("r/<slug:token>/qr.svg", views.report_qr, name="report-qr"),
    path("r/<slug:token>/photo/<slug:sha_prefix>.jpg", views.report_photo, name="report-photo"),
    path("r/<slug:token>/feedback/", views.report_feedback, name="report-feedback"),
    path("r/<slug:token>/owner-name/", views.report_owner_name, name="report-owner-name"),
    path("r/<slug:token>/proof.json", views.report_proof_bundle, name="report-proof"),
    path("nps/", views.nps_answer, name="nps"),
    path("guide/<slug:feature>/", views.guide_feature, name="guide-feature"),
]
