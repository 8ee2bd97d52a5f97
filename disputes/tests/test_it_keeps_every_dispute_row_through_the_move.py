"""Disputes' move out of appraisals (appraisals 0009, disputes 0001, appraisals 0010, disputes
0002) on a database the old schema filled: every dispute, in every state, with its evidence,
panel votes, compensation and re-appraisal seats comes through with its ids, values and links;
so do the timeline lines and stored events that name it, the content types and permissions
(with the grants of groups and users, and the admin's history), and the models of the
``disputes`` app read them all."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Reappraisal, Review, SubmissionEvent
from appraisals.selectors.reviews import queue_seats, reappraisal_verdicts
from disputes.models import Compensation, Dispute, DisputeEvidence, PanelVote
from events.models import Event
from members.models import User
from members.roles import Role
from members.tests.factories import UserFactory

# The schema before the move: appraisals as it was, and no disputes app.
BEFORE = [("appraisals", "0008_submission_holder_private_serials"), ("disputes", None)]
MOVED = {"dispute": Dispute, "disputeevidence": DisputeEvidence, "panelvote": PanelVote,
         "compensation": Compensation}  # fmt: skip
# One dispute in each state, and one per outcome: (state, outcome, re-appraisal seats' states,
# panel votes).
CASES = [
    ("triage", "", [], []),
    ("reappraisal", "", ["open", "claimed"], []),
    ("reappraisal", "", ["signed", "open"], []),
    ("panel", "", ["signed", "signed"], ["counterfeit"]),
    ("resolved", "corrected", [], []),
    ("resolved", "rejected", [], []),
    ("resolved", "upheld", ["signed", "signed"], []),
    ("resolved", "overturned", ["signed", "signed"], ["counterfeit", "counterfeit", "authentic"]),
    ("resolved", "inconclusive", ["signed", "signed"], ["counterfeit", "authentic", "authentic"]),
]  # fmt: skip
ROLES = ["senior_expert", "brand", "user"]


def _uid(n: int) -> uuid.UUID:
    """Case ``n``'s dispute: its reference (``D-`` and the first 8 digits) says which."""
    return uuid.UUID(f"{n + 1:08x}-0000-4000-8000-000000000000")


def _case(dispute: Dispute) -> int:
    return int(str(dispute.uid)[:8], 16) - 1


def _migrate(targets: list[tuple[str, str | None]] | None = None) -> Any:
    """Migrate to ``targets`` (the latest by default); the apps of the state reached."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets if targets is not None else executor.loader.graph.leaf_nodes())
    executor = MigrationExecutor(connection)
    return executor.loader.project_state(list(executor.loader.applied_migrations)).apps


def _rows(model: Any) -> list[dict[str, Any]]:
    return list(model.objects.order_by("pk").values())


def _fill_the_old_way(old: Any, people: dict[str, User], catalog: dict[str, Any]) -> dict[str, Any]:
    """Every kind of dispute row, through the models as the old schema had them."""
    Submission = old.get_model("appraisals", "Submission")
    Report = old.get_model("appraisals", "Report")
    Review = old.get_model("appraisals", "Review")
    SubmissionEvent = old.get_model("appraisals", "SubmissionEvent")
    Dispute = old.get_model("appraisals", "Dispute")
    DisputeEvidence = old.get_model("appraisals", "DisputeEvidence")
    PanelVote = old.get_model("appraisals", "PanelVote")
    Compensation = old.get_model("appraisals", "Compensation")
    Event = old.get_model("events", "Event")
    handbag = catalog["handbag"]
    brand = old.get_model("appraisals", "Brand").objects.filter(categories=handbag.pk).first()
    now = timezone.now()
    seat_of: dict[int, int] = {}

    def signed(**fields: Any) -> dict[str, Any]:
        return {
            "state": "signed",
            "verdict": "authentic",
            "condition_grade": "good",
            "signed_at": now,
            **fields,
        }

    for n, (state, outcome, seats, votes) in enumerate(CASES):
        submission = Submission.objects.create(
            owner_id=people["buyer"].pk,
            category_id=handbag.pk,
            brand_id=brand.pk,
            tier="standard",
            status="completed",
            submitted_at=now - timedelta(days=3),
            round=1,
            declared_value_eur=4000,
        )
        original = Review.objects.create(
            submission=submission,
            round=1,
            stage="first",
            expert_id=people["original"].pk,
            **signed(),
        )
        report = Report.objects.create(
            submission=submission,
            verdict="authentic",
            document={"n": n},
            sha256=f"{n:064x}",
            signature="0x" + "ab" * 65,
            signer="0x" + "cd" * 20,
            public_token=f"token-{n}",
            issued_at=now - timedelta(days=2),
        )
        corrected = None
        if outcome in ("corrected", "overturned"):
            corrected = Report.objects.create(
                submission=submission,
                version=2,
                supersedes=report,
                verdict="counterfeit" if outcome == "overturned" else "authentic",
                document={"n": n, "version": 2},
                sha256=f"{100 + n:064x}",
                signature="0x" + "ef" * 65,
                signer="0x" + "cd" * 20,
                public_token=f"fixed-{n}",
            )
        dispute = Dispute.objects.create(
            uid=_uid(n),
            report=report,
            opened_by_id=people["buyer"].pk,
            reason=["wrong_verdict", "wear_not_stated", "wrong_details", "other"][n % 4],
            description=f"Complaint number {n}: the date code font is wrong.",
            state=state,
            outcome=outcome,
            outcome_reason=f"reason {n}" if outcome else "",
            opened_at=now - timedelta(hours=30),
            due_at=now + timedelta(hours=18 - n),
            sla_breached_at=now if n == 3 else None,
            resolved_at=now if state == "resolved" else None,
            corrected_report=corrected,
            fee_due_eur=Decimal("15.00") if outcome == "upheld" else 0,
        )
        reference = f"D-{str(dispute.uid)[:8].upper()}"
        SubmissionEvent.objects.create(
            submission=submission, kind="report_issued", message="R-1", round=1
        )
        SubmissionEvent.objects.create(
            submission=submission, kind="dispute_opened", message=f"{reference}: opened", round=1
        )
        for k, seat_state in enumerate(seats):
            who = people[f"re{k}"].pk if seat_state != "open" else None
            fields = signed(verdict="counterfeit") if seat_state == "signed" else {}
            seat = Review.objects.create(
                submission=submission,
                round=1,
                stage=["first", "second"][k],
                dispute=dispute,
                expert_id=who,
                **({"state": seat_state} | fields),
            )
            seat_of.setdefault(dispute.pk, seat.pk)
        for k, verdict in enumerate(votes):
            PanelVote.objects.create(
                dispute=dispute,
                role=ROLES[k],
                arbitrator_id=people[f"arb{k}"].pk,
                verdict=verdict,
                reason=f"vote {k} on {n}",
            )
        for kind in ("photo", "document")[: 1 + n % 2]:
            DisputeEvidence.objects.create(
                dispute=dispute,
                kind=kind,
                file=f"disputes/{n}-{kind}.bin",
                sha256=f"{n:064x}",
                content_type="image/jpeg" if kind == "photo" else "application/pdf",
                original_name=f"{kind}-{n}",
                quality={"accepted": True} if kind == "photo" else {},
            )
        if outcome == "overturned":
            Compensation.objects.create(
                dispute=dispute,
                beneficiary_id=people["buyer"].pk,
                amount_eur=Decimal("2500.00"),
                basis="Mis-authenticated item",
                status="approved",
                approved_by_id=people["staff"].pk,
                approved_at=now,
            )
        Event.objects.create(
            name="dispute.state_changed",
            aggregate="dispute",
            aggregate_id=str(dispute.pk),
            payload={
                "dispute_id": dispute.pk,
                "state": state,
                "previous_state": None,
                "outcome": outcome,
            },
        )
        Event.objects.create(
            name="review.signed",
            aggregate="submission",
            aggregate_id=str(submission.pk),
            payload={
                "submission_id": submission.pk,
                "review_id": original.pk,
                "expert_id": people["original"].pk,
                "verdict": "authentic",
                "dispute_id": None,
            },
        )
    for dispute_id, seat_id in seat_of.items():
        Event.objects.create(
            name="review.signed",
            aggregate="submission",
            aggregate_id="0",
            payload={
                "submission_id": 0,
                "review_id": seat_id,
                "expert_id": people["re0"].pk,
                "verdict": "counterfeit",
                "dispute_id": dispute_id,
            },
        )
    return {"seat_of": seat_of}


def _grant_the_old_way(old: Any, people: dict[str, User]) -> dict[str, int]:
    """Content types and permissions under the old label: a direct grant to a user, and an
    entry in the admin's history about a dispute."""
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    OldUser = old.get_model("members", "User")
    types = {}
    for model in MOVED:
        kind, _ = ContentType.objects.get_or_create(app_label="appraisals", model=model)
        types[model] = kind.pk
        for verb in ("add", "change", "delete", "view"):
            Permission.objects.get_or_create(
                content_type=kind, codename=f"{verb}_{model}", defaults={"name": f"{verb} {model}"}
            )
    case, _ = ContentType.objects.get_or_create(app_label="appraisals", model="submission")
    Permission.objects.get_or_create(
        content_type=case, codename="triage_dispute", defaults={"name": "Can triage"}
    )
    auditor = OldUser.objects.get(pk=people["auditor"].pk)
    auditor.user_permissions.add(
        Permission.objects.get(content_type_id=types["compensation"], codename="view_compensation")
    )
    return types


@pytest.mark.django_db(transaction=True)
def test_every_dispute_row_survives_the_move(catalog: dict[str, Any]) -> None:
    people = {
        "buyer": UserFactory(email="buyer@example.com"),
        "original": UserFactory(email="original@example.com", roles=[Role.EXPERT]),
        "re0": UserFactory(email="re0@example.com", roles=[Role.EXPERT]),
        "re1": UserFactory(email="re1@example.com", roles=[Role.EXPERT]),
        "arb0": UserFactory(email="arb0@example.com", roles=[Role.SENIOR_EXPERT]),
        "arb1": UserFactory(email="arb1@example.com", roles=[Role.ARBITRATOR]),
        "arb2": UserFactory(email="arb2@example.com", roles=[Role.ARBITRATOR]),
        "staff": UserFactory(email="staff@example.com", roles=[Role.STAFF]),
        "auditor": UserFactory(email="auditor@example.com"),
    }
    try:
        old = _migrate(BEFORE)
        assert "appraisals_dispute" in connection.introspection.table_names()
        made = _fill_the_old_way(old, people, catalog)
        types = _grant_the_old_way(old, people)
        dispute_type = types["dispute"]
        LogEntry.objects.create(
            user=people["staff"], content_type_id=dispute_type, object_id="1",
            object_repr="dispute", action_flag=CHANGE,
        )  # fmt: skip
        before = {name: _rows(old.get_model("appraisals", name)) for name in MOVED}
        reviews_before = _rows(old.get_model("appraisals", "Review"))
        events_before = _rows(old.get_model("appraisals", "SubmissionEvent"))
        permissions_before = {
            (p["codename"], p["id"])
            for p in old.get_model("auth", "Permission")
            .objects.filter(content_type__app_label="appraisals")
            .values("codename", "id")
            if p["codename"] == "triage_dispute" or p["codename"].endswith(tuple(MOVED))
        }
        staff_group = set(
            Group.objects.get(name=Role.STAFF.value).permissions.values_list("pk", flat=True)
        )
        _migrate()
    finally:
        _migrate()
    ContentType.objects.clear_cache()

    tables = connection.introspection.table_names()
    assert not [t for t in tables if t.startswith("appraisals_") and t[11:] in MOVED]
    assert {f"disputes_{name}" for name in MOVED} <= set(tables)
    # Every row, every value, every foreign key, under the new label.
    for name, model in MOVED.items():
        after = _rows(model)
        if model is Dispute:
            after = [{k: v for k, v in row.items() if k != "reappraisal_id"} for row in after]
        if model is DisputeEvidence:
            # A column added after the move (disputes 0003): the photo request a file answers.
            assert all(row["answers_id"] is None for row in after)
            after = [{k: v for k, v in row.items() if k != "answers_id"} for row in after]
        assert after == before[name], name
    assert Dispute.objects.count() == len(CASES)
    assert Compensation.objects.get().dispute.outcome == "overturned"

    # Re-appraisal seats: the same rows, now seats of the re-appraisal their dispute owns.
    reviews_after = {row["id"]: row for row in _rows(Review)}
    assert sorted(reviews_after) == [row["id"] for row in reviews_before]
    for row in reviews_before:
        after = reviews_after[row["id"]]
        assert {k: v for k, v in after.items() if k != "reappraisal_id"} == {
            k: v for k, v in row.items() if k != "dispute_id"
        }
        if row["dispute_id"] is None:
            assert after["reappraisal_id"] is None
        else:
            dispute = Dispute.objects.get(pk=row["dispute_id"])
            assert after["reappraisal_id"] == dispute.reappraisal_id is not None
    for dispute in Dispute.objects.select_related("report", "reappraisal"):
        n = _case(dispute)
        state, outcome, seats, votes = CASES[n]
        assert (dispute.state, dispute.outcome) == (state, outcome)
        assert dispute.votes.count() == len(votes)
        assert dispute.evidence.count() == 1 + n % 2
        reappraisal = dispute.reappraisal
        if not seats:
            assert reappraisal is None
            continue
        assert reappraisal is not None
        assert reappraisal.submission_id == dispute.report.submission_id
        assert reappraisal.reference == dispute.reference
        assert reappraisal.due_at == dispute.due_at
        assert dispute.description in reappraisal.brief
        assert reappraisal.brief_url == reverse("admin:disputes_dispute_brief", args=[dispute.pk])
        assert reappraisal.seats.count() == len(seats)
        complete = all(seat == "signed" for seat in seats)
        verdicts = reappraisal_verdicts(reappraisal=reappraisal)
        assert verdicts == (["counterfeit"] * len(seats) if complete else None)
    # The open re-appraisal seats are in the review queue again, in the dispute lane.
    lane = queue_seats().filter(reappraisal__isnull=False)
    assert lane.count() == sum(s in ("open", "claimed") for _, _, seats, _ in CASES for s in seats)
    assert Reappraisal.objects.count() == sum(bool(seats) for _, _, seats, _ in CASES)

    # Timeline lines: the same; a dispute's lines name whose request they are.
    lines = _rows(SubmissionEvent)
    assert [{k: v for k, v in r.items() if k != "requested_by_id"} for r in lines] == events_before
    for line in lines:
        expected = people["buyer"].pk if line["kind"].startswith("dispute") else None
        assert line["requested_by_id"] == expected
    # Stored review.signed events name the re-appraisal, not the dispute.
    for event in Event.objects.filter(name="review.signed"):
        assert "dispute_id" not in event.payload
        seat = event.payload["review_id"]
        assert event.payload["reappraisal_id"] == reviews_after[seat]["reappraisal_id"]
    assert Event.objects.filter(name="review.signed").count() == len(CASES) + len(made["seat_of"])
    assert Event.objects.filter(name="dispute.state_changed").count() == len(CASES)

    # Content types and permissions: the same rows under the new label, grants kept.
    assert ContentType.objects.get_for_model(Dispute).pk == dispute_type
    assert not ContentType.objects.filter(app_label="appraisals", model__in=MOVED).exists()
    moved = {
        (p.codename, p.pk)
        for p in Permission.objects.filter(content_type__app_label="disputes")
        if p.codename in dict(permissions_before)
    }
    assert moved == permissions_before
    assert Permission.objects.get(codename="triage_dispute").content_type.app_label == "disputes"
    assert (
        set(Group.objects.get(name=Role.STAFF.value).permissions.values_list("pk", flat=True))
        == staff_group
    )
    auditor = User.objects.get(pk=people["auditor"].pk)
    assert auditor.has_perm("disputes.view_compensation")
    staff = User.objects.get(pk=people["staff"].pk)
    assert staff.has_perm("disputes.triage_dispute") and staff.has_perm("disputes.view_dispute")
    assert LogEntry.objects.get().content_type_id == dispute_type

    # The admin reads them under the new label.
    client = Client()
    client.force_login(staff)
    listing = client.get(reverse("admin:disputes_dispute_changelist"))
    assert listing.status_code == 200
    panel = Dispute.objects.get(state="panel")
    page = client.get(reverse("admin:disputes_dispute_change", args=[panel.pk]))
    assert page.status_code == 200 and panel.description in page.content.decode()
    assert client.get(reverse("admin:disputes_compensation_changelist")).status_code == 200
