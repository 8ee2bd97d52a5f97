"""The partner API's foundation: keys and scopes, one error shape, cursor pages, filters, and
an OpenAPI schema that builds without warnings, with docs served from vendored assets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from api.models import ApiKey, Partner, Scope
from api.services import api_key_revoke
from members.roles import Role
from members.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner() -> Partner:
    return Partner.objects.create(
        name="Resale Market", account=UserFactory(email="api@resale.example", roles=[Role.PARTNER])
    )


def _key(partner: Partner, *scopes: str) -> str:
    return ApiKey.issue(partner=partner, label="test", scopes=list(scopes))[1]


def _get(path: str, key: str | None = None, **params: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return Client().get(path, params, **headers)


def test_the_catalog_gives_each_category_its_photo_slots(partner, catalog) -> None:  # noqa: ANN001
    key = _key(partner, Scope.CATALOG_READ)

    response = _get("/api/v1/catalog/categories/", key)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"next", "previous", "results"}
    handbag = next(c for c in body["results"] if c["slug"] == "handbag")
    assert [s["position"] for s in handbag["slots"]] == sorted(
        s["position"] for s in handbag["slots"]
    )
    slot = handbag["slots"][0]
    assert slot["instruction"] and slot["example_image_url"].startswith("http://testserver/")
    key_row = ApiKey.objects.get()
    assert key_row.last_used_at is not None and key not in str(key_row.__dict__)


def test_brands_and_models_filter_and_page_by_cursor(partner, catalog) -> None:  # noqa: ANN001
    key = _key(partner, Scope.CATALOG_READ)

    watches = _get("/api/v1/catalog/brands/", key, category="watch").json()["results"]
    first = _get("/api/v1/catalog/models/", key, page_size=2).json()
    second = _get(first["next"].replace("http://testserver", ""), key).json()

    assert watches and all("watch" in b["categories"] for b in watches)
    assert len(first["results"]) == 2 and first["next"]
    assert not {m["id"] for m in first["results"]} & {m["id"] for m in second["results"]}


def test_keys_scopes_and_the_error_shape(partner, catalog) -> None:  # noqa: ANN001
    no_scope = _key(partner, Scope.VERIFY)
    revoked = _key(partner, Scope.CATALOG_READ)
    api_key_revoke(key=ApiKey.objects.get(prefix=revoked.split("_")[2]))
    url = "/api/v1/catalog/categories/"

    missing = _get(url)
    wrong = _get(url, "ak_live_00000000_forged")
    gone = _get(url, revoked)
    forbidden = _get(url, no_scope)

    assert missing.status_code == wrong.status_code == gone.status_code == 401
    assert forbidden.status_code == 403
    for response in (missing, wrong, gone, forbidden):
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"} and error["message"]
    assert gone.json()["error"]["message"] == "This API key was revoked."
    assert missing["WWW-Authenticate"] == "Bearer"


def test_the_schema_builds_without_warnings_and_the_docs_need_no_cdn(tmp_path: Path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))

    schema = out.read_text()
    docs = Client().get("/api/docs/").content.decode()

    assert "/api/v1/catalog/categories/" in schema
    assert "swagger-ui" in docs
    for cdn in ("cdn.", "jsdelivr", "unpkg", "cdnjs"):
        assert cdn not in docs


def test_staff_create_a_key_in_the_admin_and_see_it_once(partner) -> None:  # noqa: ANN001
    admin_user = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        "/admin/api/apikey/add/",
        {"partner": partner.pk, "label": "production", "scopes": ["catalog:read", "verify"]},
        follow=True,
    )

    key = ApiKey.objects.get()
    page = response.content.decode()
    shown = page.split("The new key, shown this once: ")[1].split("<")[0].strip()
    assert shown.startswith(f"ak_live_{key.prefix}_") and key.scopes == ["catalog:read", "verify"]
    assert shown not in client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert _get("/api/v1/catalog/categories/", shown).status_code == 200
