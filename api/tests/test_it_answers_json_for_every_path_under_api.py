"""Every answer under /api/ is the API's JSON error shape, never a page: an unknown path, an id
that is not a UUID, a path without its trailing slash (no redirect, and no 500 for a POST with
DEBUG on), a method the route doesn't take, a server error. The rest of the site keeps its
pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.models import Partner
from api.tests.conftest import api_for
from authplatform import urls as site

# The site's error handlers, as Django reads them from a URL map: this module is also the map
# of the server-error test.
from authplatform.urls import *  # noqa: F403

pytestmark = pytest.mark.django_db

UNKNOWN = [
    ("get", "/api/nothing/"),
    ("get", "/api/v1/nothing"),
    ("post", "/api/v1/nothing/deeper/"),
    ("get", "/api/v1/reports/not-a-uuid/"),
    ("delete", "/api/v1/submissions/12345/"),
    ("put", "/api/v1/submissions/not-a-uuid/photos/front/"),
    ("get", "/api/v1/webhooks/nothing/"),
    ("get", "/api/"),
]
WITHOUT_SLASH = [
    ("get", "/api/v1/reports"),
    ("post", "/api/v1/reports"),
    ("post", "/api/v1/submissions"),
    ("patch", "/api/v1/webhooks/endpoints"),
    ("get", "/api/schema"),
]


def _is_not_found(response: Any) -> dict[str, Any]:
    assert response.status_code == 404, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "not_found" and error["message"] and error["fields"] == {}
    return error


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(("method", "where"), UNKNOWN)
def test_an_unknown_path_gets_the_json_404(
    settings: Any, debug: bool, method: str, where: str
) -> None:
    settings.DEBUG = debug
    response = getattr(Client(), method)(where, content_type="application/json")
    assert "slash" not in _is_not_found(response)["message"]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(("method", "where"), WITHOUT_SLASH)
def test_a_path_without_its_slash_gets_a_json_404_naming_it(
    settings: Any, partner: Partner, debug: bool, method: str, where: str
) -> None:
    settings.DEBUG = debug
    client = api_for(partner).client
    response = getattr(client, method)(where, {}, content_type="application/json")
    assert f"({where}/)" in _is_not_found(response)["message"]


def test_the_api_root_itself_gets_a_404_not_a_redirect(settings: Any) -> None:
    for method in ("get", "post"):
        _is_not_found(getattr(Client(), method)("/api"))
    # With DEBUG, /api (outside /api/) gets Django's technical 404; never a redirect or a 500.
    settings.DEBUG = True
    for method in ("get", "post"):
        assert getattr(Client(), method)("/api").status_code == 404


def test_the_site_keeps_its_own_404_page(settings: Any) -> None:
    for debug in (False, True):
        settings.DEBUG = debug
        response = Client().get("/nothing-here/")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")


def test_a_method_the_route_does_not_take_gets_a_json_405(partner: Partner) -> None:
    response = api_for(partner).client.delete("/api/v1/reports/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "method_not_allowed"


class Failing(APIView):
    """A view with a bug: DRF's exception handler leaves the error to Django."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes: list[Any] = []

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


# The site's map, with failing views.
urlpatterns = [
    path("api/v1/failing/", Failing.as_view()),
    path("failing/", Failing.as_view()),
    path("", include(site.urlpatterns)),
]


def test_a_server_error_under_the_api_is_the_json_error(settings: Any) -> None:
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/failing/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "server_error" and "a bug" not in error["message"]
    page = client.get("/failing/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
