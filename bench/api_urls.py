"""The project's URLs plus ``/bench/empty/``: the ceiling bench/api.py compares the API with."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path


def empty(request: HttpRequest) -> JsonResponse:
    # A plain Django view, not a DRF one: it goes through the same middleware as the API, so
    # what the API costs above it is DRF (authentication, throttle, renderer) and the view.
    return JsonResponse({})


urlpatterns = [
    path("bench/empty/", empty),
    path("", include("authplatform.urls")),
]
