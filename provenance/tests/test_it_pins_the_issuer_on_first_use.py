"""``--issuer http(s)://site``: both reference verifiers fetch the issuer's metadata once, pin it
in the pin store, and hold every later run to that copy; ``--refresh-pin`` takes additions and
refuses a changed contract unless told to accept it (docs/bundle-spec.md, "Pinning the
issuer"). The issuer's site is a real HTTP server on a free loopback port; the verifiers run as
a stranger runs them, each in its own process, with no Django settings."""

from __future__ import annotations

import copy
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from provenance.documents import document_register
from provenance.issuer import WELL_KNOWN_PATH
from provenance.models import Document
from provenance.selectors import bundle_for, issuer_metadata
from provenance.tests.conftest import Ganache, reanchor_in_a_foreign_anchorlog, settle
from provenance.tests.test_both_verifiers_agree_on_the_tamper_corpus import NODE_VERIFIER
from tests.servers import ROOT, free_port
from tests.tools import require_node

# A contract that is not ours: what a changed /.well-known file would name.
OTHER_CONTRACT = Web3.to_checksum_address("0x" + "ab" * 20)
# Metadata for the tests that never reach a bundle's checks (the vectors' test key).
TEST_METADATA = {
    "format": "authplatform.issuer/1",
    "name": "authplatform",
    "signing_keys": [
        {"address": "0xB2b6203787f76897617Bfd270f2e2eb80ff774cD", "status": "current",
         "valid_from": "2026-01-05T09:00:00Z", "retired_at": None},
    ],
    "contracts": [{"chain_id": 1337, "address": OTHER_CONTRACT, "deployed_in_block": 3}],
}  # fmt: skip
MIB = 1024 * 1024


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    # False: no Content-Length, the body ends when the connection closes.
    sized: bool = True


class IssuerSite:
    """An issuer's web site on a free loopback port, answering what the test puts in
    ``answers`` (path -> Answer, else 404) and counting the requests it gets."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                answer = site.answers.get(self.path, Answer(404, b"not here"))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                if answer.sized:
                    self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                for start in range(0, len(answer.body), 64 * 1024):
                    self.wfile.write(answer.body[start : start + 64 * 1024])

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def pin_name(self) -> str:
        return f"http_127.0.0.1_{self.server.server_address[1]}.json"

    def publish(self, metadata: dict[str, Any]) -> bytes:
        body = json.dumps(metadata, indent=1).encode()
        self.answers[WELL_KNOWN_PATH] = Answer(
            body=body, headers={"Content-Type": "application/json"}
        )
        return body

    def stop(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(timeout=10)


@pytest.fixture
def site() -> Iterator[IssuerSite]:
    server = IssuerSite()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["python", "node"])
def verify(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Run one verifier on a stranger's machine: no Django settings, no database, a home of its
    own (so no run touches the real ~/.config)."""
    command = [sys.executable, "-m", "provenance.verify"]
    if request.param == "node":
        command = [require_node(), str(NODE_VERIFIER)]
    home = tmp_path / "home"
    home.mkdir()
    hidden = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "AUTHPLATFORM_PINS", "XDG_CONFIG_HOME"}
    base = {k: v for k, v in os.environ.items() if k not in hidden} | {"HOME": str(home)}

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args],
            cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    return run


def _anchored(w3: Web3, n: int) -> Document:
    document = document_register(body={"type": "report", "id": f"pin-{n}", "verdict": "authentic"})
    settle(w3)
    return Document.objects.get(pk=document.pk)


def _our_contract(document: Document) -> str:
    assert document.batch is not None
    return document.batch.deployment.address


def _write(path: Path, content: Any) -> str:
    path.write_text(json.dumps(content), encoding="utf-8")
    return str(path)


def _last_line(done: subprocess.CompletedProcess[str]) -> str:
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_first_use_pins_and_verifies_and_later_runs_need_no_site(
    verify: Any, site: IssuerSite, w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    bundle = _write(tmp_path / "bundle.json", bundle_for(_anchored(w3, 1)))
    body = site.publish(issuer_metadata())
    store = tmp_path / "pins"
    pin = store / site.pin_name
    run = ["--issuer", site.origin, "--pins", str(store), "--rpc", ganache.rpc_url]

    first = verify(bundle, *run)
    site.stop()
    second = verify(bundle, *run)

    assert first.returncode == 0, first.stdout + first.stderr
    assert _last_line(first).startswith("VALID:") and "WARNING" not in first.stdout
    assert first.stderr.strip() == (
        f"pinned the issuer metadata of 127.0.0.1:{site.server.server_address[1]} to {pin}; "
        "later runs use this copy"
    )
    assert site.requests == [WELL_KNOWN_PATH]
    assert pin.read_bytes() == body
    assert stat.S_IMODE(pin.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert [p.name for p in store.iterdir()] == [site.pin_name]
    # The site is gone: the pinned copy alone holds the bundle to our keys and contract.
    assert second.returncode == 0, second.stdout + second.stderr
    assert _last_line(second).startswith("VALID:") and "WARNING" not in second.stdout
    assert second.stderr == ""
    assert "[ok] issuer: Anchored in" in second.stdout


@pytest.mark.django_db
def test_a_bundle_anchored_in_a_foreign_contract_fails_at_issuer_with_the_pinned_url(
    verify: Any, site: IssuerSite, w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    document = _anchored(w3, 2)
    ours = _our_contract(document)
    forged = _write(
        tmp_path / "forged.json", reanchor_in_a_foreign_anchorlog(w3, bundle_for(document))
    )
    site.publish(issuer_metadata())
    pins = ["--issuer", site.origin, "--pins", str(tmp_path / "pins")]

    done = verify(forged, *pins, "--rpc", ganache.rpc_url, "--json")
    unpinned = verify(forged, "--rpc", ganache.rpc_url)

    assert done.returncode == 1, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "invalid" and result["pinned"] is True
    assert [step["name"] for step in result["steps"] if not step["ok"]] == ["issuer"]
    assert result["reason"].startswith("Anchored in 0x")
    assert f"which is not the issuer's contract {ours} for chain 1337" in result["reason"]
    # Without the pin the forgery passes: what the pin is for.
    assert unpinned.returncode == 0 and "WARNING: nothing pins the issuer" in unpinned.stdout


@pytest.mark.django_db
def test_refresh_pin_refuses_a_changed_contract_unless_the_change_is_accepted(
    verify: Any, site: IssuerSite, w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    document = _anchored(w3, 3)
    ours = _our_contract(document)
    bundle = _write(tmp_path / "bundle.json", bundle_for(document))
    metadata = issuer_metadata()
    pinned_body = site.publish(metadata)
    store = tmp_path / "pins"
    pin = store / site.pin_name
    run = [bundle, "--issuer", site.origin, "--pins", str(store), "--rpc", ganache.rpc_url]
    assert verify(*run).returncode == 0
    changed = copy.deepcopy(metadata)
    changed["contracts"][0]["address"] = OTHER_CONTRACT
    changed_body = site.publish(changed)

    kept = verify(*run)
    refused = verify(*run, "--refresh-pin")
    kept_after_refusal = pin.read_bytes()
    accepted = verify(*run, "--refresh-pin", "--accept-issuer-change")
    after = verify(*run)

    # Until refreshed, the pinned copy holds, whatever the site says now.
    assert kept.returncode == 0 and kept.stderr == "", kept.stdout + kept.stderr
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert refused.stdout == ""
    [line] = refused.stderr.strip().splitlines()
    assert "Traceback" not in line
    assert "chain 1337" in line and ours in line and OTHER_CONTRACT in line
    assert "--accept-issuer-change" in line
    assert kept_after_refusal == pinned_body
    # Accepted: said on stderr, stored, and our own bundle now fails the (new) pin.
    assert "chain 1337" in accepted.stderr and OTHER_CONTRACT in accepted.stderr
    assert accepted.returncode == 1, accepted.stdout + accepted.stderr
    assert pin.read_bytes() == changed_body
    assert _last_line(after).startswith("INVALID: Anchored in")
    assert f"not the issuer's contract {OTHER_CONTRACT}" in _last_line(after)


@pytest.mark.django_db
def test_refresh_pin_takes_an_added_key_and_contract_silently(
    verify: Any, site: IssuerSite, w3: Web3, ganache: Ganache, tmp_path: Path
) -> None:
    bundle = _write(tmp_path / "bundle.json", bundle_for(_anchored(w3, 4)))
    metadata = issuer_metadata()
    site.publish(metadata)
    store = tmp_path / "pins"
    run = [bundle, "--issuer", site.origin, "--pins", str(store), "--rpc", ganache.rpc_url]
    assert verify(*run).returncode == 0
    grown = copy.deepcopy(metadata)
    # The issuer rotates: the old key is retired (after this bundle), a new one takes over, and
    # it deploys on a second chain.
    grown["signing_keys"][-1].update(status="retired", retired_at="2099-01-01T00:00:00Z")
    grown["signing_keys"].append(
        {"address": Web3.to_checksum_address("0x" + "cd" * 20), "status": "current",
         "valid_from": "2099-01-01T00:00:00Z", "retired_at": None}
    )  # fmt: skip
    grown["contracts"].append({"chain_id": 5, "address": OTHER_CONTRACT, "deployed_in_block": 1})
    grown_body = site.publish(grown)

    refreshed = verify(*run, "--refresh-pin")

    assert refreshed.returncode == 0, refreshed.stdout + refreshed.stderr
    assert refreshed.stderr == ""
    assert _last_line(refreshed).startswith("VALID:")
    assert (store / site.pin_name).read_bytes() == grown_body
    assert site.requests == [WELL_KNOWN_PATH, WELL_KNOWN_PATH]


@pytest.mark.parametrize(
    "case",
    ["nothing listens", "not found", "a redirect", "not JSON", "not issuer metadata",
     "too large, said up front", "too large, streamed", "plain http to another host"],
)  # fmt: skip
def test_a_site_that_cannot_be_pinned_is_a_one_line_usage_error(
    verify: Any, site: IssuerSite, tmp_path: Path, case: str
) -> None:
    path = "/issuer.json"
    url = site.origin + path
    # Good metadata but for its size: only the limit refuses it.
    oversized = json.dumps(TEST_METADATA).encode() + b" " * (2 * MIB)
    if case == "nothing listens":
        url = f"http://127.0.0.1:{free_port()}/issuer.json"
    elif case == "not found":
        url = site.origin + "/missing.json"
    elif case == "a redirect":
        site.answers[path] = Answer(302, headers={"Location": "https://elsewhere.example/x"})
    elif case == "not JSON":
        site.answers[path] = Answer(body=b"<html>hello</html>")
    elif case == "not issuer metadata":
        site.answers[path] = Answer(
            body=json.dumps({"format": "authplatform.proof-bundle/1"}).encode()
        )
    elif case == "too large, said up front":
        site.answers[path] = Answer(body=oversized)
    elif case == "too large, streamed":
        site.answers[path] = Answer(body=oversized, sized=False)
    else:
        url = "http://example.com/issuer.json"
    bundle = _write(tmp_path / "bundle.json", {})
    store = tmp_path / "pins"

    done = verify(bundle, "--issuer", url, "--pins", str(store))

    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout == ""
    [line] = done.stderr.strip().splitlines()
    assert url in line and "Traceback" not in line
    assert not store.exists() or not any(store.iterdir())


def test_the_pin_options_need_an_issuer_url(verify: Any, tmp_path: Path) -> None:
    bundle = _write(tmp_path / "bundle.json", {})
    issuer = _write(tmp_path / "issuer.json", TEST_METADATA)

    refresh_a_file = verify(bundle, "--issuer", issuer, "--refresh-pin")
    accept_alone = verify(bundle, "--issuer", "https://example.com", "--accept-issuer-change")

    assert refresh_a_file.returncode == 2 and "--refresh-pin" in refresh_a_file.stderr
    assert accept_alone.returncode == 2 and "--accept-issuer-change" in accept_alone.stderr


def test_the_pin_store_is_in_the_users_config_unless_named(
    verify: Any, site: IssuerSite, tmp_path: Path
) -> None:
    site.publish(TEST_METADATA)
    bundle = _write(tmp_path / "bundle.json", {})
    home = tmp_path / "home"

    verify(bundle, "--issuer", site.origin)
    verify(bundle, "--issuer", site.origin, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    verify(bundle, "--issuer", site.origin, AUTHPLATFORM_PINS=str(tmp_path / "env-pins"))
    named = verify(bundle, "--issuer", site.origin, "--pins", str(tmp_path / "named"))

    stores = [
        home / ".config" / "authplatform" / "pins",
        tmp_path / "xdg" / "authplatform" / "pins",
        tmp_path / "env-pins",
        tmp_path / "named",
    ]
    for store in stores:
        assert (store / site.pin_name).is_file(), store
    # The bundle is junk; the issuer was pinned all the same, before any check ran.
    assert named.returncode == 1 and "pinned the issuer metadata" in named.stderr
    assert _last_line(named).startswith("INVALID: This is not a proof bundle")
    assert len(site.requests) == 4


@pytest.mark.django_db
def test_the_verify_page_tells_both_verifiers_to_pin_this_site(client: Any, settings: Any) -> None:
    settings.SITE_URL = "https://verify.example/"
    document = document_register(body={"type": "report", "id": "pin-page", "verdict": "authentic"})

    page = client.get(f"/verify/{document.uid}/").content.decode()

    assert "node verifiers/js/verify.mjs pin-page.proof.json" in page
    assert "python -m provenance.verify pin-page.proof.json" in page
    assert page.count("--issuer https://verify.example</pre>") == 2
