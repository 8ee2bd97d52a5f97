"""Trust on first use of an issuer's metadata: ``--issuer https://site`` fetches
/.well-known/authplatform-issuer.json once, keeps it in a pin store, and holds every later run
to that copy; ``--refresh-pin`` fetches it again and refuses a change that would let another
contract or key pass (docs/bundle-spec.md, "Pinning the issuer").

No Django: the verifier's command line runs on a stranger's machine. The one network call is
`urllib` to the issuer's own URL; verifiers/js/pins.mjs is the same store, file names and rules
in JavaScript, so both verifiers share one pin store.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit, urlunsplit

from provenance.canonical import utc_timestamp
from provenance.issuer import WELL_KNOWN_PATH, Issuer, IssuerError, issuer_from_metadata

FETCH_TIMEOUT = 10  # seconds
MAX_METADATA_BYTES = 1024 * 1024
# Plain http only where nobody between us and the issuer can change the answer: this machine.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
DEFAULT_PORTS = {"https": 443, "http": 80}
ACCEPT_HINT = (
    "If the issuer really changed it, run again with --refresh-pin --accept-issuer-change."
)


class PinError(ValueError):
    """The issuer's metadata cannot be fetched, stored or taken: a usage error (exit status 2)."""


@dataclass(frozen=True)
class IssuerOrigin:
    """Where an issuer's metadata is fetched from, and which pin file holds it."""

    url: str
    # host[:port] as a URL writes it ([::1]:8000), for messages.
    label: str
    file_name: str
    loopback: bool


@dataclass(frozen=True)
class Pinned:
    """The pinned issuer, the file that pins it, and what to tell the user (None: nothing)."""

    issuer: Issuer
    path: Path
    note: str | None = None


def is_issuer_url(source: str) -> bool:
    """Whether ``--issuer`` names a URL (fetched and pinned) rather than a saved file."""
    return source.lower().startswith(("https://", "http://"))


def pin_store_default(environ: Mapping[str, str] | None = None) -> Path:
    """``$AUTHPLATFORM_PINS``, else ``$XDG_CONFIG_HOME/authplatform/pins``, else
    ``~/.config/authplatform/pins``."""
    environ = os.environ if environ is None else environ
    if environ.get("AUTHPLATFORM_PINS"):
        return Path(environ["AUTHPLATFORM_PINS"])
    config = environ.get("XDG_CONFIG_HOME", "")
    # The XDG spec ignores a relative XDG_CONFIG_HOME.
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"
    return base / "authplatform" / "pins"


def issuer_origin(source: str) -> IssuerOrigin:
    """The metadata URL that ``source`` (the metadata's URL, or the site's origin) names, and
    its pin file: one per scheme, host and port (``https_example.com_443.json``)."""
    try:
        parts = urlsplit(source)
        port = parts.port
    except ValueError as error:
        raise PinError(f"--issuer {source}: not a usable URL ({error})") from None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if scheme not in DEFAULT_PORTS or not host:
        raise PinError(f"--issuer {source}: not an https:// URL with a host")
    if parts.username is not None or parts.password is not None:
        raise PinError(f"--issuer {source}: a URL with a user name or password is not supported")
    with contextlib.suppress(UnicodeError):
        # As a URL parser writes it (and the JavaScript verifier names its pin file).
        host = host.encode("idna").decode("ascii")
    loopback = host in LOOPBACK_HOSTS
    if scheme == "http" and not loopback:
        raise PinError(
            f"--issuer {source}: plain http:// is taken only from this machine "
            f"({', '.join(sorted(LOOPBACK_HOSTS))}); use https://"
        )
    port = port or DEFAULT_PORTS[scheme]
    label = f"[{host}]" if ":" in host else host
    if port != DEFAULT_PORTS[scheme]:
        label += f":{port}"
    path = parts.path
    if path in ("", "/") and not parts.query:
        path = WELL_KNOWN_PATH
    return IssuerOrigin(
        url=urlunsplit(SplitResult(scheme, label, path, parts.query, "")),
        label=label,
        file_name=f"{scheme}_{re.sub(r'[^a-z0-9.-]', '_', host)}_{port}.json",
        loopback=loopback,
    )


def issuer_pin(
    source: str, *, store: Path, refresh: bool = False, accept_change: bool = False
) -> Pinned:
    """The issuer pinned for ``source`` (an https:// URL): the stored copy if there is one
    (no network), else fetched and stored. ``refresh``: fetch again, store it if it only adds
    to the pinned copy, else PinError listing the changes, unless ``accept_change``."""
    origin = issuer_origin(source)
    path = store / origin.file_name
    if not refresh:
        with contextlib.suppress(FileNotFoundError):
            return Pinned(_pinned_read(path, origin), path)
    body, fetched = _metadata_fetch(origin.url, loopback=origin.loopback)
    try:
        pinned = _pinned_read(path, origin)
    except FileNotFoundError:
        _store_write(path, body)
        return Pinned(
            fetched,
            path,
            f"pinned the issuer metadata of {origin.label} to {path}; later runs use this copy",
        )
    except PinError as error:
        changes = [f"the pinned copy is unusable ({error})"]
    else:
        changes = issuer_changes(pinned, fetched)
    if changes and not accept_change:
        raise PinError(
            f"the issuer metadata at {origin.url} differs from the copy pinned in {path}: "
            f"{'; '.join(changes)}. {ACCEPT_HINT}"
        )
    _store_write(path, body)
    note = None
    if changes:
        note = (
            f"the issuer metadata of {origin.label} changed ({'; '.join(changes)}); "
            f"pinned the new copy to {path}"
        )
    return Pinned(fetched, path, note)


def issuer_changes(pinned: Issuer, fetched: Issuer) -> list[str]:
    """What ``fetched`` changes in ``pinned`` beyond what an issuer does in its course: a new
    chain's contract, a new key valid from after the pinned ones, a key retired (or retired
    earlier). Anything else changes what the pin vouches for: a bundle it refuses could pass,
    or one the user relied on could fail. Each change is one phrase."""
    changes = []
    contracts = fetched.contracts or {}
    for chain_id, address in sorted((pinned.contracts or {}).items()):
        now = contracts.get(chain_id)
        if now is None:
            changes.append(f"the contract for chain {chain_id} ({address}) is gone")
        elif now.lower() != address.lower():
            changes.append(f"the contract for chain {chain_id} changed from {address} to {now}")
    keys = {key.address.lower(): key for key in fetched.keys or ()}
    for key in pinned.keys or ():
        now_key = keys.pop(key.address.lower(), None)
        if now_key is None:
            changes.append(f"the signing key {key.address} is gone")
            continue
        if now_key.valid_from != key.valid_from:
            changes.append(
                f"the valid_from of the signing key {key.address} moved from "
                f"{_moment(key.valid_from)} to {_moment(now_key.valid_from)}"
            )
        if key.retired_at is not None and (
            now_key.retired_at is None or now_key.retired_at > key.retired_at
        ):
            changes.append(
                f"the retired_at of the signing key {key.address} moved from "
                f"{_moment(key.retired_at)} to {_moment(now_key.retired_at)}"
            )
    latest = max((key.valid_from for key in pinned.keys or () if key.valid_from), default=None)
    for key in keys.values():
        # A new key that reaches back would vouch for documents the pinned keys did not sign.
        if key.valid_from is None or (latest is not None and key.valid_from < latest):
            changes.append(
                f"the new signing key {key.address} is valid from {_moment(key.valid_from)}, "
                f"before the newest pinned key ({_moment(latest)})"
            )
    return changes


def _moment(moment: datetime | None) -> str:
    return "no bound" if moment is None else utc_timestamp(moment)


def _pinned_read(path: Path, origin: IssuerOrigin) -> Issuer:
    """The stored copy; FileNotFoundError if there is none yet."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
        return issuer_from_metadata(data)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as error:
        raise PinError(
            f"{path} (the pinned issuer metadata of {origin.label}): {_one_line(error)}"
        ) from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is answered as an error: where the metadata moved is for the user to pin."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _metadata_fetch(url: str, *, loopback: bool) -> tuple[bytes, Issuer]:
    """The body at ``url`` and the issuer it describes; PinError naming ``url`` otherwise."""
    handlers: list[urllib.request.BaseHandler] = [_NoRedirect()]
    if loopback:
        # A proxy from the environment is for the outside world, not for this machine.
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with opener.open(request, timeout=FETCH_TIMEOUT) as response:
            if response.status != 200:
                raise PinError(f"cannot fetch {url}: HTTP {response.status} {response.reason}")
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_METADATA_BYTES:
                raise PinError(f"cannot fetch {url}: the answer is over 1 MiB ({length} bytes)")
            body = _body_read(response, url)
    except PinError:
        raise
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location") if error.headers else None
        moved = f" to {location}; pass that URL instead" if location else ""
        error.close()
        raise PinError(f"cannot fetch {url}: HTTP {error.code} {error.reason}{moved}") from None
    except urllib.error.URLError as error:
        raise PinError(f"cannot fetch {url}: {_one_line(error.reason)}") from None
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise PinError(f"cannot fetch {url}: {_one_line(error) or type(error).__name__}") from None
    try:
        data = json.loads(body.decode("utf-8"))
    except ValueError as error:
        raise PinError(f"cannot fetch {url}: the answer is not JSON ({_one_line(error)})") from None
    try:
        return body, issuer_from_metadata(data)
    except IssuerError as error:
        raise PinError(f"{url}: {error}") from None


def _body_read(response: Any, url: str) -> bytes:
    """Up to 1 MiB of the answer, all within FETCH_TIMEOUT of the start: the socket's own
    timeout is per read, and a server that drips bytes would pass it."""
    deadline = time.monotonic() + FETCH_TIMEOUT
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(64 * 1024):
        size += len(chunk)
        if size > MAX_METADATA_BYTES:
            raise PinError(f"cannot fetch {url}: the answer is over 1 MiB")
        if time.monotonic() > deadline:
            raise PinError(f"cannot fetch {url}: no whole answer in {FETCH_TIMEOUT} s")
        chunks.append(chunk)
    return b"".join(chunks)


def _store_write(path: Path, body: bytes) -> None:
    """Write ``body`` to ``path`` whole or not at all (a temporary file, then a rename): the
    folders it creates 0700, the file 0600."""
    try:
        # One by one: mkdir(parents=True) would give the folders above the store the default mode.
        for folder in reversed(path.parents):
            if not folder.is_dir():
                folder.mkdir(mode=0o700, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    except OSError as error:
        raise PinError(f"cannot write the pin {path}: {_one_line(error)}") from None


def _one_line(error: object) -> str:
    return " ".join(str(error).split())
