"""The chain of custody's one write: a transfer passes on the reports it carries
(``appraisals/selectors/custody.py`` reads who holds what)."""

from __future__ import annotations

from appraisals.models import Submission
from appraisals.selectors.custody import held_by
from members.models import User


def submission_holder_pass(*, submission_ids: list[int], from_user: User, to_user: User) -> int:
    """An accepted transfer passes on the reports ``from_user`` holds among these cases (the
    reports of the item changing hands); reports held by anyone else stay theirs. Returns how
    many cases changed hands. Called by passports inside the transfer's transaction."""
    if from_user.pk == to_user.pk:
        return 0
    held = Submission.objects.filter(held_by(from_user), pk__in=submission_ids)
    return held.update(holder=to_user)
