"""https: the certificate is checked against the URL's name, which is also sent as SNI, while
the connection goes to the address that was checked."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.tools import require_tool
from webhooks import outbound
from webhooks.tests.conftest import Receiver, running


@pytest.fixture
def certificate(tmp_path: Path) -> Path:
    """A self-signed certificate for ``localhost`` (its key beside it)."""
    require_tool("openssl", package="openssl")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return tmp_path / "cert.pem"


@pytest.fixture
def tls_receiver(certificate: Path) -> Iterator[Receiver]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, certificate.parent / "key.pem")
    yield from running(context)


@pytest.fixture
def trusted(certificate: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Our side trusts the test certificate as it would a public CA (and nothing less)."""
    default = ssl.create_default_context
    monkeypatch.setattr(ssl, "create_default_context", lambda: default(cafile=str(certificate)))


def test_https_reaches_the_name_on_the_certificate_with_sni(tls_receiver, trusted) -> None:  # noqa: ANN001
    reply = outbound.post(f"https://localhost:{tls_receiver.port}/hook", body=b"{}", headers={})

    assert reply.status == 200 and tls_receiver.server_names == ["localhost"]
    assert tls_receiver.requests[0].headers["Host"] == f"localhost:{tls_receiver.port}"


def test_a_certificate_for_another_name_is_refused(tls_receiver, trusted) -> None:  # noqa: ANN001
    with pytest.raises(outbound.OutboundError, match="CERTIFICATE_VERIFY_FAILED|match"):
        outbound.post(f"https://127.0.0.1:{tls_receiver.port}/hook", body=b"{}", headers={})

    assert not tls_receiver.requests


def test_an_untrusted_certificate_is_refused(tls_receiver) -> None:  # noqa: ANN001
    with pytest.raises(outbound.OutboundError, match="CERTIFICATE_VERIFY_FAILED"):
        outbound.post(f"https://localhost:{tls_receiver.port}/hook", body=b"{}", headers={})

    assert not tls_receiver.requests
