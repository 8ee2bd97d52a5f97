"""Blind re-appraisals become appraisals' own (Architecture v2, issue 15): the first half of
moving disputes into their own app (disputes 0001, appraisals 0010, disputes 0002).

- ``Reappraisal``: a blind re-examination someone outside the queue ordered, with the brief
  and the clock its two seats work to; ``Review.reappraisal`` marks those seats. They replace
  ``Review.dispute`` (an appraisals row pointing at a dispute), which disputes 0001 carries
  over and appraisals 0010 drops.
- ``SubmissionEvent.requested_by``: whose request a timeline line is about (a dispute's
  opener), so the timeline no longer asks disputes whom to show it to.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0008_submission_holder_private_serials"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Reappraisal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(max_length=40)),
                ("brief", models.TextField()),
                ("brief_url", models.CharField(blank=True, max_length=300)),
                ("due_at", models.DateTimeField()),
                ("opened_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "submission",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="reappraisals",
                        to="appraisals.submission",
                    ),
                ),
            ],
            options={
                "ordering": ["opened_at", "id"],
            },
        ),
        migrations.AddField(
            model_name="review",
            name="reappraisal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="seats",
                to="appraisals.reappraisal",
            ),
        ),
        migrations.AddField(
            model_name="submissionevent",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
