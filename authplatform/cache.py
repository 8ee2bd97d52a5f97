"""Django's Redis cache, keeping one redis client per connection pool.

Django builds a new ``redis.Redis`` object for every cache call, and redis-py fills a table of
about 170 response callbacks in each one: a third of a millisecond per API request, more than
the Redis round trips themselves (bench/api.py). A client is thread-safe and only wraps the
pool, so one per pool is enough.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache.backends import redis as django_redis


class _ReusingClient(django_redis.RedisCacheClient):
    # Django's private members used below; django-stubs types only the public ones.
    _client: Callable[..., Any]  # the redis.Redis class
    _get_connection_pool: Callable[[bool], Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
