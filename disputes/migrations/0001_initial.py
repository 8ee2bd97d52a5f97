"""Disputes move out of appraisals into their own app (Architecture v2, issue 15), every row
kept: nothing is copied. The whole move is four migrations:

- appraisals 0009: ``Reappraisal`` and ``Review.reappraisal``, ``SubmissionEvent.requested_by``;
- disputes 0001 (this one): the four models join this app's state on their old tables
  (``appraisals_dispute`` …; the database is not touched), ``Dispute.reappraisal`` is added,
  and the content types follow the models: ``appraisals.dispute`` becomes ``disputes.dispute``
  (the same rows, so permissions, group and user grants and admin history stay attached), and
  the ``triage_dispute`` permission moves from ``appraisals.submission`` to
  ``disputes.dispute``;
- appraisals 0010: each dispute's re-appraisal seats get a ``Reappraisal``, then
  ``Review.dispute`` and the old models leave appraisals' state;
- disputes 0002: the tables are renamed to this app's names.

Every step has its reverse, so the migrations can be unapplied with data in place.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["dispute", "disputeevidence", "panelvote", "compensation"]
TRIAGE = "triage_dispute"


def _permission_move(apps, permission, to_type):
    """Put ``permission`` under ``to_type``; where that type already has one of the codename
    (made by a migrate in between), its grants join that one and this one goes."""
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    twin = Permission.objects.filter(content_type=to_type, codename=permission.codename).first()
    if twin is None:
        Permission.objects.filter(pk=permission.pk).update(content_type=to_type)
        return
    for through, owner in (
        (Group.permissions.through, "group_id"),
        (User.user_permissions.through, "user_id"),
    ):
        has_twin = through.objects.filter(permission_id=twin.pk).values(owner)
        through.objects.filter(permission_id=permission.pk, **{f"{owner}__in": has_twin}).delete()
        through.objects.filter(permission_id=permission.pk).update(permission_id=twin.pk)
    permission.delete()


def _content_types_move(apps, from_label, to_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=from_label, model=model).first()
        if old is None:
            continue
        new = ContentType.objects.filter(app_label=to_label, model=model).first()
        if new is None:
            ContentType.objects.filter(pk=old.pk).update(app_label=to_label)
            continue
        for permission in Permission.objects.filter(content_type=old):
            _permission_move(apps, permission, new)
        try:
            LogEntry = apps.get_model("admin", "LogEntry")
        except LookupError:
            pass
        else:
            LogEntry.objects.filter(content_type=old).update(content_type=new)
        old.delete()


def _triage_move(apps, from_label, from_model, to_label, to_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.filter(
        content_type__app_label=from_label, content_type__model=from_model, codename=TRIAGE
    ).first()
    if permission is None:
        return
    to_type, _ = ContentType.objects.get_or_create(app_label=to_label, model=to_model)
    _permission_move(apps, permission, to_type)


def content_types_forward(apps, schema_editor):
    _content_types_move(apps, "appraisals", "disputes")
    _triage_move(apps, "appraisals", "submission", "disputes", "dispute")


def content_types_backward(apps, schema_editor):
    _triage_move(apps, "disputes", "dispute", "appraisals", "submission")
    _content_types_move(apps, "disputes", "appraisals")


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0009_reappraisal"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0002_longer_aggregate_ids"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Dispute",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("uid", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("wrong_verdict", "The verdict is wrong"),
                                    ("wear_not_stated", "Wear or repairs were not stated"),
                                    ("wrong_details", "The item's details are wrong"),
                                    ("other", "Something else"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("description", models.TextField()),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("triage", "Waiting for triage"),
                                    ("reappraisal", "Blind re-appraisal by two experts"),
                                    ("panel", "Arbitration panel"),
                                    ("resolved", "Resolved"),
                                ],
                                default="triage",
                                max_length=12,
                            ),
                        ),
                        (
                            "outcome",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("corrected", "Clerical error corrected"),
                                    ("rejected", "Rejected"),
                                    ("upheld", "Original verdict upheld"),
                                    ("overturned", "Verdict overturned"),
                                    ("inconclusive", "Inconclusive"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("outcome_reason", models.TextField(blank=True)),
                        ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("due_at", models.DateTimeField()),
                        ("sla_breached_at", models.DateTimeField(blank=True, null=True)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "fee_due_eur",
                            models.DecimalField(decimal_places=2, default=0, max_digits=8),
                        ),
                        (
                            "corrected_report",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="appraisals.report",
                            ),
                        ),
                        (
                            "opened_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="disputes",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="disputes",
                                to="appraisals.report",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "appraisals_dispute",
                        "ordering": ["due_at", "id"],
                        "permissions": [
                            ("triage_dispute", "Can triage and settle disputes of reports")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("state", "resolved"), _negated=True),
                                fields=("report",),
                                name="one_open_dispute_per_report",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("resolved_at__isnull", False),
                                        ("state", "resolved"),
                                        models.Q(("outcome", ""), _negated=True),
                                    ),
                                    models.Q(
                                        models.Q(("state", "resolved"), _negated=True),
                                        ("outcome", ""),
                                    ),
                                    _connector="OR",
                                ),
                                name="resolved_dispute_has_outcome",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="DisputeEvidence",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("photo", "Photo"), ("document", "Document")],
                                max_length=10,
                            ),
                        ),
                        ("file", models.FileField(upload_to="disputes/")),
                        ("sha256", models.CharField(max_length=64)),
                        ("content_type", models.CharField(max_length=40)),
                        ("original_name", models.CharField(blank=True, max_length=120)),
                        ("note", models.CharField(blank=True, max_length=200)),
                        ("quality", models.JSONField(blank=True, default=dict)),
                        ("uploaded_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "dispute",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="evidence",
                                to="disputes.dispute",
                            ),
                        ),
                    ],
                    options={"db_table": "appraisals_disputeevidence"},
                ),
                migrations.CreateModel(
                    name="PanelVote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("senior_expert", "Senior expert"),
                                    ("brand", "Brand representative"),
                                    ("user", "User representative"),
                                ],
                                max_length=14,
                            ),
                        ),
                        (
                            "verdict",
                            models.CharField(
                                choices=[
                                    ("authentic", "Authentic"),
                                    ("counterfeit", "Counterfeit"),
                                    ("inconclusive", "Inconclusive"),
                                ],
                                max_length=12,
                            ),
                        ),
                        ("reason", models.TextField()),
                        ("voted_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "arbitrator",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "dispute",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="votes",
                                to="disputes.dispute",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "appraisals_panelvote",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("dispute", "role"), name="one_vote_per_panel_role"
                            ),
                            models.UniqueConstraint(
                                fields=("dispute", "arbitrator"), name="one_role_per_arbitrator"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Compensation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("amount_eur", models.DecimalField(decimal_places=2, max_digits=12)),
                        ("basis", models.CharField(max_length=200)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending approval"),
                                    ("approved", "Approved by staff"),
                                    ("paid", "Paid"),
                                ],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("approved_at", models.DateTimeField(blank=True, null=True)),
                        ("paid_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "beneficiary",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="compensations",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "dispute",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="compensation",
                                to="disputes.dispute",
                            ),
                        ),
                    ],
                    options={"db_table": "appraisals_compensation"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="dispute",
            name="reappraisal",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="appraisals.reappraisal",
            ),
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
