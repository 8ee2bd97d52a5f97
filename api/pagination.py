from rest_framework.pagination import CursorPagination


class StableCursorPagination(CursorPagination):
    """Cursor pagination on every list, ordered by each view's own queryset ordering."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "id"

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]  # noqa: ANN001, ANN201
        # The queryset's own order_by (which ends with "id"), so pages stay stable.
        return tuple(queryset.query.order_by) or (self.ordering,)
