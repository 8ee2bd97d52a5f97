"""Twelve experts take cases from one queue at once, on PostgreSQL: each case exactly once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from appraisals.models import Review, Status, Submission
from appraisals.services import reviews as review_services
from appraisals.tests.factories import draft_for
from appraisals.tests.reviewing import expert, to_expert_queue

THREADS = 12
CASES = 30


@pytest.mark.django_db(transaction=True)
def test_concurrent_take_next_never_hands_one_case_to_two_experts(buyer, catalog) -> None:  # noqa: ANN001
    assert connection.vendor == "postgresql"
    # Drafts moved straight to the queue: in a transactional test every on-commit hook of the
    # real submit path would run the photo check and the pre-screen too, which is not what
    # this test is about (the full path, with the classifier, is tested in test_review_flow).
    now = timezone.now()
    for index in range(CASES):
        draft = draft_for(buyer, catalog["handbag" if index % 2 else "watch"])
        Submission.objects.filter(pk=draft.pk).update(
            status=Status.QUEUED, tier="standard", submitted_at=now, due_at=now, round=1
        )
        draft.refresh_from_db()
        to_expert_queue(draft)
    experts = [expert() for _ in range(THREADS)]
    start = threading.Barrier(THREADS)
    taken: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(who) -> None:  # noqa: ANN001
        try:
            start.wait()
            while True:
                seat = review_services.review_take_next(expert=who)
                if seat is None:
                    break
                with lock:
                    taken.append((seat.pk, who.pk))
                # Hand the expert's seat on so they can take another: signing is not under
                # test here, holding many seats at once is.
        except BaseException as error:  # noqa: BLE001 - surfaced in the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(who,)) for who in experts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    seat_counts = Counter(seat for seat, _ in taken)
    assert len(seat_counts) == CASES and set(seat_counts.values()) == {1}
    rows = Review.objects.values_list("pk", "expert_id", "state")
    assert {(pk, expert_id) for pk, expert_id, _ in rows} == set(taken)
    assert {state for _, _, state in rows} == {"claimed"}
    # More than one expert got work: the claims really ran side by side.
    assert len({who for _, who in taken}) > 1
