"""The webhook endpoints of the partner API, included at ``/api/v1/webhooks/``."""

from django.urls import path

from webhooks import api

app_name = "webhooks"

urlpatterns = [
    path("endpoints/", api.EndpointListCreate.as_view(), name="endpoints"),
    path("endpoints/<uuid:uid>/", api.EndpointDetail.as_view(), name="endpoint"),
    path("endpoints/<uuid:uid>/test/", api.EndpointTest.as_view(), name="endpoint-test"),
    path(
        "endpoints/<uuid:uid>/rotate-secret/",
        api.EndpointRotateSecret.as_view(),
        name="endpoint-rotate-secret",
    ),
    path(
        "endpoints/<uuid:uid>/deliveries/",
        api.EndpointDeliveries.as_view(),
        name="endpoint-deliveries",
    ),
]
