"""PostgreSQL refuses a NUL character in a query, so one that reaches the database is a 500.
A NUL in a catalog reference is an invalid field, and a token or hash in a path with one names
no route: each is refused before any query."""

from __future__ import annotations

import pytest

from api.tests.conftest import api_for

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_catalog_slug_is_an_invalid_field(partner, catalog) -> None:  # noqa: ANN001
    api = api_for(partner)
    body = '{"category": "hand\\u0000bag", "brand": "hermes"}'

    single = api.client.post("/api/v1/submissions/", body, content_type="application/json")
    bulk = api.client.post(
        "/api/v1/submissions/bulk/", f'{{"items": [{body}]}}', content_type="application/json"
    )

    assert single.status_code == 400
    assert single.json()["error"]["fields"]["category"] == ["Invalid value."]
    assert bulk.status_code == 200
    assert bulk.json()["results"][0]["error"]["fields"]["category"] == ["Invalid value."]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/passports/%00/",
        "/api/v1/passports/a%00b/events/",
        "/r/%00/",
        "/r/%00/report.pdf",
        "/p/%00/",
        "/r/abc/photo/%00.jpg",
        "/submissions/disputes/new/%00/",
    ],
)
def test_a_nul_in_a_path_names_nothing(partner, client, path) -> None:  # noqa: ANN001
    assert api_for(partner).client.get(path).status_code == 404
    assert client.get(path).status_code == 404
