"""A bound on how deeply JSON from outside may nest, checked before ``json.loads`` runs.

The parser recurses once per level; a body of a hundred thousand ``[`` exhausts the recursion
limit (or, where a library has raised it, the C stack) however small the body is.
"""

from __future__ import annotations

import re

from django.conf import settings

# Outside strings only brackets and braces nest. An escape is dropped first, so that an
# escaped quote does not end its string; a string is then a quote, no quote, a quote.
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_STRING = re.compile(rb'"[^"]*"')
_NOT_A_BRACKET = re.compile(rb"[^\[\]{}]+")
_OPENING = frozenset(b"[{")


class JSONTooDeep(ValueError):
    """JSON nested deeper than the limit: refused without being parsed."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"The JSON is nested deeper than {limit} levels.")


def json_depth_check(text: str | bytes, limit: int | None = None) -> None:
    """Raise JSONTooDeep when ``text`` nests deeper than ``limit`` (REQUEST_JSON_MAX_DEPTH).

    Invalid JSON is left for the parser to refuse; an unterminated string may be counted as
    nesting, which only refuses it sooner. Linear in the length of ``text``.
    """
    limit = settings.REQUEST_JSON_MAX_DEPTH if limit is None else limit
    data = text.encode() if isinstance(text, str) else text
    if data.count(b"[") + data.count(b"{") <= limit:
        return
    brackets = _NOT_A_BRACKET.sub(b"", _STRING.sub(b"", _ESCAPE.sub(b"", data)))
    depth = 0
    for byte in brackets:
        if byte in _OPENING:
            depth += 1
            if depth > limit:
                raise JSONTooDeep(limit)
        else:
            depth -= 1
