"""The largest request body the platform reads, and the rest of a body read before answering.

A view may answer without reading the body (a 401, a 404, a 413 by Content-Length). Left
unread, that body keeps arriving on a kept-alive connection after the answer, and gunicorn
(27, gthread) drains at most 64 KiB of it before it gives up and closes the connection it has
just announced as kept alive: the client's next request on it then fails. So the rest of the
body is read before the response goes out, up to the body limit; a body larger than that is
not worth reading, and the response says ``Connection: close`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings

# Reading the rest in pieces this size keeps a thread's memory flat whatever the body's size.
CHUNK = 64 * 1024

StartResponse = Callable[..., Any]
WSGIApplication = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def body_limit() -> int:
    """A full batch of photos and a megabyte besides: a larger body is refused unread."""
    return settings.PHOTO_MAX_BYTES * settings.PHOTOS_PER_BATCH + 1024 * 1024


class CountingInput:
    """``wsgi.input``, counting the bytes the application took from it."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.taken = 0

    def read(self, *args: Any) -> bytes:
        return self._count(self.stream.read(*args))

    def readline(self, *args: Any) -> bytes:
        return self._count(self.stream.readline(*args))

    def readlines(self, *args: Any) -> list[bytes]:
        lines: list[bytes] = self.stream.readlines(*args)
        self.taken += sum(len(line) for line in lines)
        return lines

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def _count(self, data: bytes) -> bytes:
        self.taken += len(data)
        return data


def _content_length(environ: dict[str, Any]) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def drain(environ: dict[str, Any], body: CountingInput, limit: int) -> bool:
    """Read what is left of the body, at most ``limit`` bytes: whether it all came in."""
    length = _content_length(environ)
    if length is not None:
        left = length - body.taken
        if left > limit:
            return False
    elif environ.get("wsgi.input_terminated"):
        # A chunked body (gunicorn ends the input itself): read up to the limit and one more.
        left = limit + 1
    else:
        # Reading past Content-Length may block on any other server: with none, read nothing.
        return True
    try:
        while left > 0:
            data = body.stream.read(min(CHUNK, left))
            if not data:
                return True
            left -= len(data)
    except Exception:  # a body cut off or malformed: where the next request starts is unknown
        return False
    return length is not None


def close_after(start_response: StartResponse) -> None:
    """Have the server close the connection after this response, saying so.

    WSGI gives an application no way to ask (PEP 3333 forbids it hop-by-hop headers, and
    gunicorn drops a ``Connection`` header from one), so this asks gunicorn's response object,
    whose method ``start_response`` is, to close; the response then says ``Connection: close``.
    """
    force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
    if callable(force_close):
        force_close()


class DrainUnreadBody:
    """WSGI middleware: the rest of the request body is read before the response starts."""

    def __init__(self, application: WSGIApplication) -> None:
        self.application = application

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = CountingInput(environ["wsgi.input"])
        environ["wsgi.input"] = body

        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            # Nothing has been sent yet: the server sends the status line with the first write.
            if not drain(environ, body, body_limit()):
                close_after(start_response)
            return start_response(status, headers, *exc_info)

        return self.application(environ, start)
