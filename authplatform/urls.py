"""Top-level URL map: the public site, the buyer's submissions, accounts and the admin.

The composition root: it names the apps' URL modules by string and imports no app's views.
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from authplatform.health import healthz

urlpatterns = [
    path("", include("appraisals.urls_home")),
    # /submissions/disputes/… and /staff/disputes/: a dispute's pages sit with the cases.
    path("", include("disputes.urls")),
    path("submissions/", include("appraisals.urls")),
    path("account/", include("members.urls")),
    path("billing/", include("billing.urls")),
    path("membership/", include("membership.urls")),
    path("staff/", include("appraisals.urls_staff")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("appraisals.urls_public")),
    path("", include("provenance.urls")),
    path("", include("passports.urls")),
]

if settings.SERVE_MEDIA:
    # Only the catalog's example images live under MEDIA_URL publicly; buyers' photos are
    # served by an owner-checked view and their storage names are never put in a page.
    urlpatterns += [
        re_path(r"^media/(?P<path>catalog/.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# JSON under /api/, the usual page elsewhere. Most of /api/ never gets here: its last route
# answers every path the others don't take (api/urls.py), with DEBUG on too.
handler404 = "api.errors.not_found"
handler500 = "api.errors.server_error"
