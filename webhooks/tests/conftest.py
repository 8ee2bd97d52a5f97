"""A partner's webhook receiver, for real: an HTTP server on a free 127.0.0.1 port, in a
thread, that checks each delivery's signature as a partner would. Partners and keys come
from the API tests' helpers."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from api.models import Partner
from api.tests.conftest import partner, rival  # noqa: F401  (the API tests' fixtures)
from authplatform_client import signature_verify
from webhooks.models import EventType, WebhookEndpoint
from webhooks.services import endpoint_create


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Answers every POST with ``status`` and ``body`` after ``delay`` seconds; with
    ``stream`` it sends bytes without end instead, until the client hangs up."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.requests: list[Received] = []
        self.server_names: list[str | None] = []
        self.secret = ""
        self.status = 200
        self.body = b"ok"
        self.headers: dict[str, str] = {}
        self.delay = 0.0
        self.stream = False
        self.closing = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _context: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/authplatform"

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                header = self.headers.get("Authplatform-Signature", "")
                verified = signature_verify(secret=receiver.secret, header=header, body=body)
                receiver.requests.append(Received(self.path, dict(self.headers), body, verified))
                receiver.closing.wait(receiver.delay)
                try:
                    self.answer()
                except OSError:
                    pass  # the client gave up (timeout, size cap): as a real server sees it

            def answer(self) -> None:
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                if receiver.stream:
                    self.send_header("Connection", "close")
                    self.end_headers()
                    while not receiver.closing.is_set():
                        self.wfile.write(b"x" * 65536)
                    return
                self.send_header("Content-Length", str(len(receiver.body)))
                self.end_headers()
                self.wfile.write(receiver.body)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def running(tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    server = Receiver(tls)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    yield from running()


@pytest.fixture
def other_receiver() -> Iterator[Receiver]:
    yield from running()


@pytest.fixture
def endpoint(partner: Partner, receiver: Receiver) -> WebhookEndpoint:  # noqa: F811
    """The partner's live endpoint at ``receiver``, for every event type."""
    endpoint = endpoint_create(
        partner=partner, url=receiver.url, event_types=EventType.values, sandbox=False
    )
    receiver.secret = endpoint.secret
    return endpoint
