from typing import Any, cast

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.views import APIView


class StableCursorPagination(CursorPagination):
    """Cursor pagination on every list, ordered by each view's own queryset ordering."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"

    def get_ordering(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> tuple[str, ...]:
        # The queryset's own order_by (which ends with "id"), so pages stay stable. The views
        # order by field names, never expressions, which is all that DRF's cursor reads.
        return cast("tuple[str, ...]", tuple(queryset.query.order_by)) or (self.ordering,)
