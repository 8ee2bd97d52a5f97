"""Liveness and readiness for load balancers and compose healthchecks."""

import shutil

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from provenance.chain import chain_status


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; the broker, OCR and the chain are reported too.

    Only the database decides readiness: the site serves pages while the broker or chain
    is down (work waits in the database), but an operator must see what is missing, such
    as a machine without tesseract, which would leave serial codes unread.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        database = f"error: {type(error).__name__}"
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=1).ping()
        broker = "ok"
    except Exception as error:  # noqa: BLE001 - reported, not fatal
        broker = f"error: {type(error).__name__}"
    ocr = "ok" if shutil.which("tesseract") else "error: tesseract is not installed"
    chain = chain_status(rpc_url=settings.ETH_RPC_URL, timeout=1.0)
    body = {
        "database": database,
        "broker": broker,
        "ocr": ocr,
        "chain": {"ok": chain.ok, "chain_id": chain.chain_id, "block": chain.block_number}
        | ({"error": chain.error} if chain.error else {}),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
