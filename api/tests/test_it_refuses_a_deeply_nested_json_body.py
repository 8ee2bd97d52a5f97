"""A request body nested deeper than REQUEST_JSON_MAX_DEPTH gets 400 in the API's error shape
before it is parsed, whoever sends it, and the web worker that read it lives on."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from api.tests.conftest import api_for
from appraisals.models import Submission
from tests.servers import BIN, child_env, free_port, port_open, started, wait_for

pytestmark = pytest.mark.django_db

# What the outside test sent: deep enough to overflow a thread's C stack in json.loads when the
# recursion limit is as high as py_ecc sets it.
DEEP = b"[" * 100_000


def _assert_refused_as_too_deep(response: Any) -> None:
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "nesting_too_deep"
    assert "nested deeper than 64 levels" in error["message"]
    assert error["fields"] == {}


def test_it_refuses_a_deeply_nested_body_sent_with_an_api_key(partner) -> None:  # noqa: ANN001
    api = api_for(partner)

    response = api.client.post("/api/v1/submissions/", DEEP, content_type="application/json")

    _assert_refused_as_too_deep(response)
    assert not Submission.objects.exists()


def test_it_refuses_a_deeply_nested_body_sent_with_a_session(client: Client, buyer) -> None:  # noqa: ANN001
    client.force_login(buyer)

    response = client.post("/api/v1/submissions/", DEEP, content_type="application/json")

    _assert_refused_as_too_deep(response)


def test_it_parses_a_body_at_the_limit_and_refuses_one_level_more(partner, settings) -> None:  # noqa: ANN001
    settings.REQUEST_JSON_MAX_DEPTH = 5
    api = api_for(partner)
    # Brackets and braces inside strings, escaped quotes included, are not nesting.
    at_limit = '{"items": [[[{"note": "[[[[{{{{ \\" [[[["}]]]}'
    deeper = '{"items": [[[[{"note": "x"}]]]]}'

    parsed = api.client.post("/api/v1/submissions/bulk/", at_limit, content_type="application/json")
    refused = api.client.post("/api/v1/submissions/bulk/", deeper, content_type="application/json")

    assert parsed.status_code == 400 and parsed.json()["error"]["code"] == "invalid"
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "nesting_too_deep"
    assert "nested deeper than 5 levels" in refused.json()["error"]["message"]


def test_it_takes_json_bodies_only_so_a_form_never_reaches_a_parser(partner) -> None:  # noqa: ANN001
    """Since v1.1 request bodies are JSON (the photo upload aside): a form, which a serializer
    would have to parse itself, is refused as a media type we don't take."""
    api = api_for(partner)

    response = api.client.post("/api/v1/verify/", {"bundle": DEEP.decode()})

    assert response.status_code == 415
    error = response.json()["error"]
    assert error["code"] == "unsupported_media_type"
    assert "multipart/form-data" in error["message"]


@pytest.mark.django_db(transaction=True)
def test_a_web_worker_survives_a_deeply_nested_body(
    partner,  # noqa: ANN001
    media_root: Path,
    tmp_path: Path,
) -> None:
    key = api_for(partner).key
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"), "authplatform.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", "2",
    ]  # fmt: skip
    log = tmp_path / "web.log"

    def call(method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    with started(cmd, child_env(media_root), log) as process:
        wait_for(lambda: port_open(port), 30, "gunicorn to listen")

        status, body = call("POST", "/api/v1/submissions/", DEEP)
        after, _ = call("GET", "/api/v1/catalog/categories/")

        assert process.poll() is None, log.read_text()
    assert status == 400, log.read_text()
    assert json.loads(body)["error"]["code"] == "nesting_too_deep"
    assert after == 200
    text = log.read_text()
    assert "SIGSEGV" not in text
    assert text.count("Booting worker") == 1, text  # the same worker answered both
