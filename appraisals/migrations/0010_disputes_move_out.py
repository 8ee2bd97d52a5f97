"""Disputes leave appraisals (Architecture v2, issue 15; disputes 0001 says how the move goes).

Before ``Review.dispute`` goes, each dispute's re-appraisal seats get the ``Reappraisal`` they
belong to from now on (disputes own the link: ``Dispute.reappraisal``), and the constraints on
seats name the re-appraisal instead of the dispute. Then the dispute models leave appraisals'
state (their tables stay; disputes 0002 renames them), and so does ``triage_dispute`` from
``Submission``'s permissions (disputes 0001 moved the row).
"""

from django.db import migrations, models

# The reasons' labels as they were when this was written: the brief the re-appraisers read.
REASONS = {
    "wrong_verdict": "The verdict is wrong",
    "wear_not_stated": "Wear or repairs were not stated",
    "wrong_details": "The item's details are wrong",
    "other": "Something else",
}
# The address of the re-appraisers' brief in the admin (disputes/admin.py) when this was written.
BRIEF_URL = "/admin/disputes/dispute/{pk}/brief/"


def _reference(dispute):
    return f"D-{str(dispute.uid)[:8].upper()}"


def _payloads_rewrite(apps, old_key, new_key, ids):
    """Stored ``review.signed`` events: ``old_key`` becomes ``new_key``, its id mapped by
    ``ids`` (None where nothing maps)."""
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(name="review.signed").iterator():
        if old_key not in event.payload:
            continue
        payload = dict(event.payload)
        old = payload.pop(old_key)
        payload[new_key] = ids.get(old) if old is not None else None
        Event.objects.filter(pk=event.pk).update(payload=payload)


def _checks_now(schema_editor):
    """Run the deferred foreign-key checks of the rows just written now, not at the commit:
    PostgreSQL refuses to alter a table (the next operations) while checks on it are pending."""
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def reappraisals_link(apps, schema_editor):
    """Each dispute whose triage opened re-appraisal seats gets the ``Reappraisal`` those seats
    now belong to: the dispute's complaint as its brief, its clock, opened when the seats were.
    Every timeline line of a dispute names whose request it is. Stored ``review.signed`` events
    name the re-appraisal instead of the dispute."""
    Dispute = apps.get_model("disputes", "Dispute")
    Reappraisal = apps.get_model("appraisals", "Reappraisal")
    Review = apps.get_model("appraisals", "Review")
    SubmissionEvent = apps.get_model("appraisals", "SubmissionEvent")
    reappraisal_of = {}
    for dispute in Dispute.objects.select_related("report").order_by("pk").iterator():
        reference = _reference(dispute)
        submission_id = dispute.report.submission_id
        seats = Review.objects.filter(dispute_id=dispute.pk)
        first = seats.order_by("opened_at", "pk").first()
        if first is not None:
            reappraisal = Reappraisal.objects.create(
                submission_id=submission_id,
                reference=reference,
                brief=f"{REASONS.get(dispute.reason, dispute.reason)}\n\n{dispute.description}",
                brief_url=BRIEF_URL.format(pk=dispute.pk),
                due_at=dispute.due_at,
                opened_at=first.opened_at,
            )
            seats.update(reappraisal=reappraisal)
            Dispute.objects.filter(pk=dispute.pk).update(reappraisal=reappraisal)
            reappraisal_of[dispute.pk] = reappraisal.pk
        SubmissionEvent.objects.filter(
            submission_id=submission_id,
            kind__startswith="dispute",
            message__startswith=f"{reference}:",
        ).update(requested_by_id=dispute.opened_by_id)
    _payloads_rewrite(apps, "dispute_id", "reappraisal_id", reappraisal_of)
    _checks_now(schema_editor)


def reappraisals_unlink(apps, schema_editor):
    """Back to ``Review.dispute`` (re-added just before this runs in reverse): every seat of a
    dispute's re-appraisal points at the dispute again, and stored events name it again.
    The re-appraisals themselves go when appraisals 0009 is unapplied."""
    Dispute = apps.get_model("disputes", "Dispute")
    Review = apps.get_model("appraisals", "Review")
    dispute_of = {}
    for dispute in Dispute.objects.exclude(reappraisal=None).order_by("pk").iterator():
        Review.objects.filter(reappraisal_id=dispute.reappraisal_id).update(dispute_id=dispute.pk)
        dispute_of[dispute.reappraisal_id] = dispute.pk
    _payloads_rewrite(apps, "reappraisal_id", "dispute_id", dispute_of)
    _checks_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0009_reappraisal"),
        ("disputes", "0001_initial"),
        ("events", "0002_longer_aggregate_ids"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="review", name="one_review_per_stage_and_round"),
        migrations.RemoveConstraint(model_name="review", name="one_seat_per_expert_and_round"),
        migrations.RemoveConstraint(model_name="review", name="one_reappraisal_per_stage"),
        migrations.RemoveConstraint(model_name="review", name="one_reappraisal_seat_per_expert"),
        migrations.RunPython(reappraisals_link, reappraisals_unlink),
        migrations.RemoveField(model_name="review", name="dispute"),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reappraisal__isnull", True)),
                fields=("submission", "round", "stage"),
                name="one_review_per_stage_and_round",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("expert__isnull", False), ("reappraisal__isnull", True)),
                fields=("submission", "round", "expert"),
                name="one_seat_per_expert_and_round",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("reappraisal__isnull", False)),
                fields=("reappraisal", "stage"),
                name="one_reappraisal_per_stage",
            ),
        ),
        migrations.AddConstraint(
            model_name="review",
            constraint=models.UniqueConstraint(
                condition=models.Q(("expert__isnull", False), ("reappraisal__isnull", False)),
                fields=("reappraisal", "expert"),
                name="one_reappraisal_seat_per_expert",
            ),
        ),
        # The tables stay (disputes' now); only appraisals' picture of them goes.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Compensation"),
                migrations.DeleteModel(name="PanelVote"),
                migrations.DeleteModel(name="DisputeEvidence"),
                migrations.DeleteModel(name="Dispute"),
            ],
            database_operations=[],
        ),
        migrations.AlterModelOptions(
            name="submission",
            options={
                "ordering": ["-created_at", "-id"],
                "permissions": [
                    ("review_submission", "Can work cases in the expert review queue"),
                    ("arbitrate_submission", "Can settle disagreements between experts"),
                ],
            },
        ),
    ]
