from django.urls import path

from provenance import views

app_name = "provenance"

urlpatterns = [
    path("verify/<uuid:uid>", views.verify_api, name="verify-api"),
    path("verify/<uuid:uid>/", views.verify_page, name="verify-page"),
    path("verify/<uuid:uid>/bundle.json", views.verify_bundle, name="verify-bundle"),
]
