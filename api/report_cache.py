"""A cache of answers about reports, dropped whenever anything they depend on may change.

Two answers are kept per report:

- ``verify``: what verifying it by id answers. That rebuilds its commitment and checks every
  proof and two signatures: about 10 ms.
- ``read``: its body as its owner reads it (``GET /api/v1/reports/<id>/``), stored with whose
  it is, so that the ownership check still runs on every request (api/views/reports.py), and
  with its ETag and Last-Modified, so that a revalidation (304) costs no serialisation.

Either changes only when a batch moves (sealed, anchored, confirmed, re-anchored after a reorg:
``BatchStateChanged``; a wiped devnet: ``DeploymentRetired``) or a report version is issued (a
correction supersedes and revokes the old one, whose body then names the new one:
``ReportIssued``). Each of these domain events bumps one generation number in the cache
(api/subscribers.py), right after its change commits, in the process that made it; an answer
is served only if it was computed in the current generation: answer and generation come back
in one cache round trip.
A batch move retires report bodies it can't have changed; that costs one miss per report,
while one generation keeps a single rule for every answer.

Each process also holds an answer it served for ``HELD_SECONDS`` (its own changes clear the
hold at once), so a revocation or correction made elsewhere shows everywhere within that
second. With the in-process cache (no ``REDIS_URL``) other processes' bumps are not seen at
all, so answers then expire after ``REPORT_CACHE_LOCAL_SECONDS``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.cache import cache

from authplatform.hold import Hold

Kind = Literal["verify", "read"]

GENERATION = "report-answers:generation"
# In every answer's key: a deploy that changes what an answer holds reads none stored before.
ANSWER_SHAPE = 2
# An answer's life when nothing invalidates it; shorter when bumps can't reach this process.
SHARED_SECONDS = 3600
REPORT_CACHE_LOCAL_SECONDS = 5


def _ttl() -> int:
    return SHARED_SECONDS if settings.REDIS_URL else REPORT_CACHE_LOCAL_SECONDS


# Answers this process served, for ``HELD_SECONDS`` (see the module docstring).
HELD_SECONDS = 1.0
_held: Hold[Any] = Hold(seconds=HELD_SECONDS)


@dataclass(frozen=True)
class ReportRead:
    """A ``read`` answer: the body, whose report it is, and its validators."""

    owner_id: int
    sandbox: bool
    body: dict[str, Any]
    # The SHA-256 of the body as the JSON renderer writes it by default.
    sha256: str
    # None where a change can come unannounced by any time we hold (a transfer).
    last_modified: datetime | None


def _key(kind: Kind, name: str) -> str:
    return f"report-answers:{ANSWER_SHAPE}:{kind}:{name}"


def answer_cached(kind: Kind, name: str) -> Any | None:
    """The ``kind`` answer stored under ``name`` (a report id, with more where it varies)."""
    key = _key(kind, name)
    held = _held.get(key)
    if held is not None:
        return held
    found = cache.get_many([GENERATION, key])
    entry = found.get(key)
    if entry is None or GENERATION not in found or entry[0] != found[GENERATION]:
        return None
    _held.put(key, entry[1])
    return entry[1]


def answer_cache_put(kind: Kind, name: str, answer: Any, generation: int) -> None:
    """Store an answer computed from rows read after ``answers_generation()`` returned
    ``generation``."""
    cache.set(_key(kind, name), (generation, answer), _ttl())


def answers_generation() -> int:
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


def answers_retire() -> None:
    """Retire every answer: something they depend on changed (api/subscribers.py calls it for
    each report issued, batch moved and deployment retired, right after that commits)."""
    _bump()
