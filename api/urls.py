from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import errors
from api.views import catalog, passports, reports, submissions

app_name = "api"

urlpatterns = [
    path("v1/catalog/categories/", catalog.CategoryList.as_view(), name="categories"),
    path("v1/catalog/brands/", catalog.BrandList.as_view(), name="brands"),
    path("v1/catalog/models/", catalog.ProductModelList.as_view(), name="models"),
    path("v1/submissions/", submissions.SubmissionListCreate.as_view(), name="submissions"),
    path("v1/submissions/bulk/", submissions.SubmissionBulk.as_view(), name="submissions-bulk"),
    path("v1/submissions/<uuid:uid>/", submissions.SubmissionDetail.as_view(), name="submission"),
    path(
        "v1/submissions/<uuid:uid>/photos/<slug:slot>/",
        submissions.PhotoPut.as_view(),
        name="submission-photo",
    ),
    path(
        "v1/submissions/<uuid:uid>/submit/",
        submissions.SubmissionSubmit.as_view(),
        name="submission-submit",
    ),
    path(
        "v1/submissions/<uuid:uid>/timeline/",
        submissions.SubmissionTimeline.as_view(),
        name="submission-timeline",
    ),
    path("v1/reports/", reports.ReportList.as_view(), name="reports"),
    path("v1/reports/<uuid:uid>/", reports.ReportDetail.as_view(), name="report"),
    path(
        "v1/reports/<uuid:uid>/document/", reports.ReportDocument.as_view(), name="report-document"
    ),
    path("v1/reports/<uuid:uid>/pdf/", reports.ReportPdf.as_view(), name="report-pdf"),
    path("v1/reports/<uuid:uid>/bundle/", reports.ReportBundle.as_view(), name="report-bundle"),
    path("v1/verify/", reports.VerifyBundle.as_view(), name="verify-bundle"),
    path("v1/verify/<uuid:uid>/", reports.VerifyReport.as_view(), name="verify-report"),
    path("v1/passports/<slug:token>/", passports.PassportDetail.as_view(), name="passport"),
    path(
        "v1/passports/<slug:token>/events/",
        passports.PassportServiceEvent.as_view(),
        name="passport-events",
    ),
    path("v1/disputes/", passports.DisputeList.as_view(), name="disputes"),
    path("v1/disputes/<uuid:uid>/", passports.DisputeDetail.as_view(), name="dispute"),
    path("v1/webhooks/", include("webhooks.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from its own URL, not inline, so
    # the page runs under the Content-Security-Policy (authplatform/csp.py).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other path under /api/ gets the API's JSON 404, never a page or a redirect.
    re_path(r"^.*$", errors.unknown_path),
]
