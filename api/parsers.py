"""JSON from partners with a bounded nesting depth (authplatform/jsondepth.py)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from authplatform.jsondepth import JSONTooDeep, json_depth_check


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing a body nested deeper than REQUEST_JSON_MAX_DEPTH before
    ``json.loads`` sees it: 400 ``nesting_too_deep`` in the API's error shape."""

    def parse(
        self,
        stream: IO[bytes],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        body = stream.read()
        try:
            json_depth_check(body.decode(encoding))
        except UnicodeDecodeError as error:
            raise ParseError(f"JSON parse error - {error}") from error
        except JSONTooDeep as error:
            raise ParseError(str(error), code="nesting_too_deep") from error
        return super().parse(io.BytesIO(body), media_type, parser_context)
