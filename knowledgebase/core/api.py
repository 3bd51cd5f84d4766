"""Shared API pieces."""

from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Numbered pages over a stable ordering (every list ends its ordering with the id)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
