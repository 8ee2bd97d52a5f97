"""The member's membership pages (``/membership/``)."""

from django.urls import path

from membership.views import pages

app_name = "membership"

urlpatterns = [
    path("", pages.overview, name="overview"),
    path("plans/", pages.plan_list, name="plans"),
    path("points/", pages.points, name="points"),
]
