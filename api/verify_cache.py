"""A cache of verification answers, dropped whenever anything they depend on may change.

Verifying a report by id rebuilds its commitment, checks every proof and two signatures:
about 10 ms, for an answer that changes only when a batch moves (anchored, confirmed,
re-anchored after a reorg: any ``Batch`` save; a wiped devnet: the ``Deployment`` save) or a
report version is issued (a correction supersedes and revokes the old one). Any of these
bumps one generation number in the cache, and an answer is served only if it was computed in
the current generation: answer and generation come back in one cache round trip.

Each process also holds an answer it served for ``HELD_SECONDS`` (its own changes clear the
hold at once), so a revocation or correction made elsewhere shows everywhere within that
second. With the in-process cache (no ``REDIS_URL``) other processes' bumps are not seen at
all, so answers then expire after ``VERIFY_CACHE_LOCAL_SECONDS``.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from appraisals.models import Report
from authplatform.hold import Hold
from provenance.models import Batch, Deployment

GENERATION = "verify:generation"
# An answer's life when nothing invalidates it; shorter when bumps can't reach this process.
SHARED_SECONDS = 3600
VERIFY_CACHE_LOCAL_SECONDS = 5


def _ttl() -> int:
    return SHARED_SECONDS if settings.REDIS_URL else VERIFY_CACHE_LOCAL_SECONDS


# Answers this process served, for ``HELD_SECONDS`` (see the module docstring).
HELD_SECONDS = 1.0
_held: Hold[dict[str, Any]] = Hold(seconds=HELD_SECONDS)


def verify_cached(uid: str) -> dict[str, Any] | None:
    held = _held.get(uid)
    if held is not None:
        return held
    key = f"verify:report:{uid}"
    found = cache.get_many([GENERATION, key])
    entry = found.get(key)
    if entry is None or GENERATION not in found or entry[0] != found[GENERATION]:
        return None
    _held.put(uid, entry[1])
    return entry[1]


def verify_cache_put(uid: str, answer: dict[str, Any], generation: int) -> None:
    cache.set(f"verify:report:{uid}", (generation, answer), _ttl())


def verify_generation() -> int:
    generation = cache.get(GENERATION)
    if generation is None:
        cache.add(GENERATION, time.time_ns(), None)
        generation = cache.get(GENERATION, 0)
    return int(generation)


def _bump() -> None:
    _held.clear()
    # A missing generation restarts from the clock, never from a number an old answer holds.
    if not cache.add(GENERATION, time.time_ns(), None):
        try:
            cache.incr(GENERATION)
        except ValueError:  # evicted between add and incr
            cache.add(GENERATION, time.time_ns(), None)


@receiver(post_save, sender=Batch, dispatch_uid="api.verify_cache.batch")
@receiver(post_save, sender=Report, dispatch_uid="api.verify_cache.report")
# A retired deployment (a wiped devnet) moves its batches with a bulk update, no Batch saves.
@receiver(post_save, sender=Deployment, dispatch_uid="api.verify_cache.deployment")
def _changed(sender: Any, **kwargs: Any) -> None:
    # Now, and again after commit: a reader between the two computes from the old rows and
    # stores under the first bump's generation, which the second one retires.
    _bump()
    transaction.on_commit(_bump)
