"""The holder's dispute pages, under the submissions they belong with, and the staff's figures.
The paths are those the pages had inside appraisals, so links already sent still work."""

from django.urls import path

from disputes import views

app_name = "disputes"

urlpatterns = [
    path("submissions/disputes/new/<slug:token>/", views.dispute_new, name="new"),
    path("submissions/disputes/<uuid:uid>/", views.dispute_detail, name="detail"),
    path("staff/disputes/", views.dispute_figures, name="figures"),
]
