"""Liveness and readiness for load balancers and compose healthchecks."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from provenance.chain import chain_status


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers; the chain's state is reported but not required."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"
        database = f"error: {type(error).__name__}"
    chain = chain_status(rpc_url=settings.ETH_RPC_URL, timeout=1.0)
    body = {
        "database": database,
        "chain": {"ok": chain.ok, "chain_id": chain.chain_id, "block": chain.block_number}
        | ({"error": chain.error} if chain.error else {}),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
