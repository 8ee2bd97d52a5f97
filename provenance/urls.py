from django.urls import path

from provenance import views

app_name = "provenance"

urlpatterns = [
    # A stable, public address (RFC 8615): verifiers save a copy and pin it.
    path(".well-known/authplatform-issuer.json", views.issuer, name="issuer"),
    # The public revocation feed (docs/provenance.md, "Revocation feed").
    path("verify/revocations.json", views.revocations, name="revocations"),
    path("verify/revocations.atom", views.revocations_atom, name="revocations-atom"),
    # The proof bundle format, readable without our repository (docs/bundle-spec.md).
    path("verify/bundle-spec.md", views.bundle_spec, name="bundle-spec"),
    path("verify/<uuid:uid>", views.verify_api, name="verify-api"),
    path("verify/<uuid:uid>/", views.verify_page, name="verify-page"),
    path("verify/<uuid:uid>/bundle.json", views.verify_bundle, name="verify-bundle"),
    # Only a photo whose hash the document's public proof discloses (provenance.presenters).
    path("verify/<uuid:uid>/photo/<slug:sha256>.jpg", views.verify_photo, name="verify-photo"),
]
