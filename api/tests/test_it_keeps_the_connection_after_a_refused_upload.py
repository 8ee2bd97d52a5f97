"""A partner's kept-alive connection survives a refused photo upload, against gunicorn started
with the Procfile's own command (the gthread worker with keep-alive).

A refusal answers before the view reads the body; authplatform/request_body.py reads the rest
before the answer goes out, so the next request on the same connection is served. A body over
the limit is not read: its answer says ``Connection: close`` and the client opens another.
"""

from __future__ import annotations

import shlex
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.models import ApiKey, Scope
from api.tests.conftest import ALL_SCOPES, partner_make
from appraisals.models import Category
from appraisals.services.catalog import catalog_load
from appraisals.tests.factories import draft_for
from tests.servers import BIN, ROOT, child_env, free_port, port_open, started, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

MIB = 1024 * 1024
# The server's body limit (authplatform.request_body.body_limit) is made 3 MiB, so a refused
# body of a few megabytes is drained and one just over the limit is not.
PHOTO_MAX_BYTES = 2 * MIB
LIMIT = PHOTO_MAX_BYTES + MIB
ROUNDS = 4


@dataclass(frozen=True)
class Live:
    url: str
    key: str
    reader_key: str  # reports only: may not upload
    submission: str
    slot: str


def web_command(port: int) -> list[str]:
    """The Procfile's web process, on ``port``."""
    line = next(
        line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:")
    )
    words = shlex.split(line.removeprefix("web:"))
    assert words[:2] == ["exec", "gunicorn"], line
    assert "--keep-alive" in words and "--threads" in words, line
    return [str(BIN / "gunicorn")] + [word.replace("$PORT", str(port)) for word in words[2:]]


@pytest.fixture
def live(media_root: Path, tmp_path: Path) -> Iterator[Live]:
    catalog_load()
    partner = partner_make("Keepalive Market")
    partner.requests_per_minute = 0  # unlimited: the test sends dozens a minute
    partner.save(update_fields=["requests_per_minute"])
    key = ApiKey.issue(partner=partner, label="keepalive", scopes=ALL_SCOPES)[1]
    reader_key = ApiKey.issue(partner=partner, label="reader", scopes=[Scope.REPORTS_READ])[1]
    handbag = Category.objects.get(slug="handbag")
    draft = draft_for(partner.account, handbag)
    slot = handbag.slots.order_by("position").values_list("code", flat=True)[0]
    port = free_port()
    env = child_env(media_root, PHOTO_MAX_BYTES=str(PHOTO_MAX_BYTES), PHOTOS_PER_BATCH="1")
    log = tmp_path / "web.log"
    with started(web_command(port), env, log) as process:
        wait_for(lambda: port_open(port), 30, "gunicorn to listen")
        yield Live(f"http://127.0.0.1:{port}", key, reader_key, str(draft.uid), slot)
        assert process.poll() is None, log.read_text()


def _connection(response: httpx.Response) -> Any:
    """The client's end of the connection that carried ``response``."""
    return response.extensions["network_stream"].get_extra_info("client_addr")


def _photo(size: int) -> Callable[[], dict[str, Any]]:
    return lambda: {"files": {"image": ("photo.jpg", b"\xff" * size, "image/jpeg")}}


def _raw(size: int) -> Callable[[], dict[str, Any]]:
    return lambda: {"content": b"\xff" * size}


def _chunked_photo(size: int) -> Callable[[], dict[str, Any]]:
    """An upload with no Content-Length: Transfer-Encoding: chunked."""
    piece = 64 * 1024
    return lambda: {"content": (b"\xff" * piece for _ in range(size // piece))}


def test_a_refused_upload_leaves_the_connection_to_the_next_request(live: Live) -> None:
    key = {"Authorization": f"Bearer {live.key}"}
    photos = f"{live.url}/api/v1/submissions/{live.submission}/photos"
    refusals = [
        ("no key", f"{photos}/{live.slot}/", {}, _photo(5 * LIMIT // 6), 401),
        ("a wrong key", f"{photos}/{live.slot}/",
         {"Authorization": "Bearer nope", "Content-Type": "multipart/form-data; boundary=x"},
         _chunked_photo(2 * MIB), 401),
        ("an unknown submission", f"{live.url}/api/v1/submissions/{uuid.uuid4()}/photos/"
         f"{live.slot}/", key, _photo(5 * LIMIT // 6), 404),
        ("an unknown slot", f"{photos}/no-such-slot/", key, _photo(2 * MIB), 404),
        ("a key without the scope", f"{photos}/{live.slot}/",
         {"Authorization": f"Bearer {live.reader_key}"}, _photo(2 * MIB), 403),
        ("a body that is not a form", f"{photos}/{live.slot}/",
         {**key, "Content-Type": "image/jpeg"}, _raw(2 * MIB), 415),
    ]  # fmt: skip
    with httpx.Client(timeout=60) as client:
        for _round in range(ROUNDS):
            for what, url, headers, body, status in refusals:
                refused = client.put(url, headers=headers, **body())
                assert refused.status_code == status, (what, refused.text)
                assert refused.json()["error"]["code"], what
                assert refused.headers["Connection"] == "keep-alive", what
                kept = _connection(refused)
                after = client.get(f"{live.url}/api/v1/submissions/{live.submission}/", headers=key)
                assert after.status_code == 200, (what, after.text)
                assert _connection(after) == kept, f"after {what}, a new connection"


def test_an_upload_over_the_limit_closes_the_connection_saying_so(live: Live) -> None:
    key = {"Authorization": f"Bearer {live.key}"}
    url = f"{live.url}/api/v1/submissions/{live.submission}/photos/{live.slot}/"
    with httpx.Client(timeout=60, headers=key) as client:
        for _round in range(ROUNDS):
            refused = client.put(url, **_photo(LIMIT + MIB // 2)())
            assert refused.status_code == 413, refused.text
            assert refused.json()["error"]["code"] == "too_large"
            assert refused.headers["Connection"] == "close"
            after = client.get(f"{live.url}/api/v1/submissions/{live.submission}/")
            assert after.status_code == 200, after.text
