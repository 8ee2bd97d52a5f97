"""Disputes: opening one, its evidence, triage, blind re-appraisal, the panel, the outcome.

Every function validates, then saves inside ``transaction.atomic``. Every step is a line on
the case's timeline, which the disputing holder sees. Every move is a ``DisputeStateChanged``
event (disputes/events.py): passports anchor the outcome as a passport event, webhooks tell
the partners following it. When the verdict is overturned, a corrected report version revokes
the original on chain.

A re-appraisal goes through the review queue's one door for it (``reappraisal_open``); each
signed seat comes back as a ``ReviewSigned`` event (disputes/subscribers.py).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from appraisals.models import Report, SubmissionEvent, Verdict
from appraisals.selectors.custody import report_holder
from appraisals.selectors.reviews import (
    reappraisal_seated,
    reappraisal_verdicts,
    submission_examined_by,
)
from appraisals.services.photos import photo_quality_thresholds
from appraisals.services.reports import report_correct
from appraisals.services.reviews import reappraisal_open
from appraisals.services.sla import sla_breaches_record
from appraisals.services.submissions import submission_event_add
from appraisals.uploads import PhotoRejected, photo_sanitize
from billing.models import Invoice
from billing.services.invoices import BillingRefused, LineInput, invoice_issue, payout_record
from disputes import permissions
from disputes.events import DisputeStateChanged
from disputes.models import Compensation, Dispute, DisputeEvidence, PanelVote, PhotoRequest
from events.services import event_emit
from members.models import User
from members.services import notification_send
from membership.models import CreditSignalKind
from membership.selectors.plans import membership_current
from membership.services.credit import credit_signal_record
from ml.quality import assess_photo

Kind = SubmissionEvent.Kind
State = Dispute.State
Outcome = Dispute.Outcome
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAX_FILES = 12


def _first_issued(report: Report) -> datetime:
    """When version 1 of the case's report was issued: every correction keeps the case."""
    if report.version == 1:
        return report.issued_at
    versions = Report.objects.filter(submission_id=report.submission_id, version=1)
    return versions.values_list("issued_at", flat=True).get()


def dispute_window_closes(report: Report) -> datetime:
    return _first_issued(report) + timedelta(days=settings.DISPUTE_WINDOW_DAYS)


def _state_move(dispute: Dispute, to: str) -> None:
    previous = dispute.state
    dispute.state = to
    dispute.save(update_fields=["state"])
    _state_emit(dispute, previous=previous)


def _state_emit(dispute: Dispute, *, previous: str | None) -> None:
    """Every move of a dispute (opened: no previous state) is a domain event, in the same
    transaction; passports record a resolution, webhooks tell the partners following it."""
    event_emit(
        DisputeStateChanged(
            dispute_id=dispute.pk,
            state=dispute.state,
            previous_state=previous,
            outcome=dispute.outcome or "",
        )
    )


def _step(dispute: Dispute, kind: str, message: str) -> None:
    """A line on the case's timeline, which the dispute's page lists by its reference; the
    submitter sees it only if they follow the dispute (``SubmissionEvent.requested_by``)."""
    submission_event_add(
        dispute.report.submission,
        kind,
        f"{dispute.reference}: {message}"[:500],
        requested_by=dispute.opened_by,
    )


@dataclass(frozen=True)
class EvidenceFile:
    """One file the holder sends with a dispute: as uploaded, not yet checked."""

    name: str
    data: bytes
    kind: str
    note: str = ""


@dataclass(frozen=True)
class _Checked:
    """An evidence file that passed its checks, ready to store."""

    upload: EvidenceFile
    content: bytes
    content_type: str
    extension: str
    quality: dict[str, object]


def _evidence_check(upload: EvidenceFile) -> _Checked:
    """A photo goes through the submissions' safe upload path and quality check; a document
    must be a PDF. Refused: a ValidationError whose message names the file and says why."""
    name = upload.name or _("the file")
    if upload.kind == DisputeEvidence.Kind.PHOTO:
        try:
            photo = photo_sanitize(
                data=upload.data,
                max_bytes=settings.PHOTO_MAX_BYTES,
                max_pixels=settings.PHOTO_MAX_PIXELS,
            )
        except PhotoRejected as error:
            raise ValidationError(
                _("%(name)s: %(problem)s") % {"name": name, "problem": error.message}
            ) from error
        assessed = assess_photo(photo.image, photo_quality_thresholds())
        if not assessed.accepted:
            hints = "; ".join(issue.message for issue in assessed.issues) or _("it is unusable")
            raise ValidationError(
                _("%(name)s: this photo can't be used: %(hints)s") % {"name": name, "hints": hints}
            )
        return _Checked(upload, photo.content, "image/jpeg", "jpg", assessed.to_dict())
    if upload.kind == DisputeEvidence.Kind.DOCUMENT:
        if not upload.data.startswith(b"%PDF-"):
            raise ValidationError(_("%(name)s: documents must be PDF files.") % {"name": name})
        if len(upload.data) > DOCUMENT_MAX_BYTES:
            raise ValidationError(_("%(name)s: a document can be at most 10 MB.") % {"name": name})
        return _Checked(upload, upload.data, "application/pdf", "pdf", {})
    raise ValidationError({"kind": _("Choose a photo or a document.")})


def _evidence_check_all(uploads: Sequence[EvidenceFile], *, already: int = 0) -> list[_Checked]:
    """Every file checked before any is stored: the refused ones, each named with its reason,
    under the form field it came from (``photos`` or ``documents``)."""
    if already + len(uploads) > EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("A dispute takes at most %(count)s files.") % {"count": EVIDENCE_MAX_FILES}
        )
    checked: list[_Checked] = []
    refused: dict[str, list[str]] = {}
    for upload in uploads:
        try:
            checked.append(_evidence_check(upload))
        except ValidationError as error:
            field = "photos" if upload.kind == DisputeEvidence.Kind.PHOTO else "documents"
            refused.setdefault(field, []).extend(error.messages)
    if refused:
        raise ValidationError(refused)
    return checked


def _evidence_store(
    dispute: Dispute, checked: _Checked, answers: PhotoRequest | None
) -> DisputeEvidence:
    evidence = DisputeEvidence(
        dispute=dispute,
        kind=checked.upload.kind,
        sha256=hashlib.sha256(checked.content).hexdigest(),
        content_type=checked.content_type,
        original_name=checked.upload.name[:120],
        note=checked.upload.note.strip()[:200],
        quality=checked.quality,
        answers=answers if checked.upload.kind == DisputeEvidence.Kind.PHOTO else None,
    )
    evidence.file.save(
        f"{get_random_string(24)}.{checked.extension}", ContentFile(checked.content), save=False
    )
    evidence.save()
    return evidence


def dispute_open(
    *,
    report: Report,
    user: User,
    reason: str,
    description: str,
    evidence: Sequence[EvidenceFile] = (),
) -> Dispute:
    """The holder disputes a report, in time by the server's clock; one open dispute each.
    Its evidence is checked first: a refused file opens nothing, so the holder is told which
    file and why before the dispute exists, and can send it again."""
    now = timezone.now()
    if report_holder(report).pk != user.pk:
        raise PermissionDenied(_("Only the report's current holder can dispute it."))
    if Report.objects.filter(supersedes=report).exists():
        raise ValidationError(_("This version was superseded; dispute the latest version."))
    first = _first_issued(report)
    closes = first + timedelta(days=settings.DISPUTE_WINDOW_DAYS)
    if now > closes:
        raise ValidationError(
            _(
                "The dispute window closed on %(closes)s: disputes are accepted for %(days)s "
                "days after the report was issued (%(first)s)."
            )
            % {
                "closes": f"{closes:%Y-%m-%d}",
                "days": settings.DISPUTE_WINDOW_DAYS,
                "first": f"{first:%Y-%m-%d}",
            }
        )
    if reason not in Dispute.Reason.values:
        raise ValidationError({"reason": _("Choose why you dispute the report.")})
    description = description.strip()
    if not 20 <= len(description) <= 5000:
        raise ValidationError({"description": _("Describe the problem in 20 to 5,000 characters.")})
    checked = _evidence_check_all(evidence)
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                report=report,
                opened_by=user,
                reason=reason,
                description=description,
                opened_at=now,
                due_at=now + timedelta(hours=settings.DISPUTE_SLA_HOURS),
            )
            for each in checked:
                _evidence_store(dispute, each, None)
            _state_emit(dispute, previous=None)
            _step(dispute, Kind.DISPUTE_OPENED, dispute.get_reason_display())
            with translation.override(user.language):
                notification_send(
                    user=user,
                    subject=_("%(reference)s: dispute received") % {"reference": dispute.reference},
                    body=_(
                        "We resolve it within %(hours)s hours. Two experts who took no part in "
                        "the report re-examine the item if needed; you can follow every step."
                    )
                    % {"hours": settings.DISPUTE_SLA_HOURS},
                    link=reverse("disputes:detail", args=[dispute.uid]),
                )
    except IntegrityError:
        open_one = Dispute.objects.filter(report=report).exclude(state=State.RESOLVED).first()
        reference = open_one.reference if open_one else ""
        raise ValidationError(
            _("This report already has an open dispute (%(reference)s); add to that one instead.")
            % {"reference": reference}
        ) from None
    return dispute


def dispute_evidence_submit(
    *, dispute: Dispute, user: User, files: Sequence[EvidenceFile]
) -> list[DisputeEvidence]:
    """The opener adds files to their open dispute: all of them, or, if one is refused, none
    (the error names it). Photos answer the re-appraisers' open requests for more, who hear of
    them."""
    if dispute.opened_by_id != user.pk:
        raise PermissionDenied(_("Only the person who opened the dispute can add evidence."))
    if not files:
        raise ValidationError(_("Choose a photo or a PDF to add."))
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if locked.state == State.RESOLVED:
            raise ValidationError(_("This dispute is resolved; it takes no more evidence."))
        checked = _evidence_check_all(files, already=locked.evidence.count())
        requests = list(locked.photo_requests.filter(answered_at__isnull=True))
        photos = [c for c in checked if c.upload.kind == DisputeEvidence.Kind.PHOTO]
        answers = requests[0] if requests and photos else None
        stored = [_evidence_store(locked, each, answers) for each in checked]
        if answers is not None:
            _photo_requests_answered(locked, requests, count=len(photos))
    return stored


def dispute_evidence_add(
    *, dispute: Dispute, user: User, data: bytes, name: str, kind: str, note: str = ""
) -> DisputeEvidence:
    """One file (``dispute_evidence_submit`` with one)."""
    files = [EvidenceFile(name=name, data=data, kind=kind, note=note)]
    return dispute_evidence_submit(dispute=dispute, user=user, files=files)[0]


def dispute_photos_request(*, dispute: Dispute, expert: User, message: str) -> PhotoRequest:
    """A blind re-appraiser asks the holder for more photos. The holder is told (by
    notification and email) what is asked, not who asks, and adds them on the dispute's page."""
    message = message.strip()
    if not 10 <= len(message) <= 1000:
        raise ValidationError(
            {"message": _("Say which photos you need, in 10 to 1,000 characters.")}
        )
    with transaction.atomic():
        locked = (
            Dispute.objects.select_for_update()
            .select_related("opened_by", "report__submission")
            .get(pk=dispute.pk)
        )
        if locked.reappraisal_id is None or not reappraisal_seated(
            reappraisal=locked.reappraisal_id, user=expert
        ):
            raise PermissionDenied(_("Only this dispute's re-appraisers can ask for photos."))
        if locked.state != State.REAPPRAISAL:
            raise ValidationError(
                _("This dispute is past its re-appraisal (%(state)s).")
                % {"state": locked.get_state_display()}
            )
        request = PhotoRequest.objects.create(dispute=locked, requested_by=expert, message=message)
        _step(locked, Kind.DISPUTE_STEP, "a re-appraiser asks for more photos")
        holder = locked.opened_by
        with translation.override(holder.language):
            notification_send(
                user=holder,
                subject=_("%(reference)s: the experts ask for more photos")
                % {"reference": locked.reference},
                body=_(
                    "An expert re-examining your dispute asks for more photos. Add them on the "
                    "dispute's page."
                )
                + f"\n\n{message}",
                link=reverse("disputes:detail", args=[locked.uid]),
            )
    return request


def _photo_requests_answered(dispute: Dispute, requests: list[PhotoRequest], count: int) -> None:
    """The holder's new photos answer every open request; whoever asked hears of them."""
    now = timezone.now()
    PhotoRequest.objects.filter(pk__in=[r.pk for r in requests]).update(answered_at=now)
    _step(dispute, Kind.DISPUTE_STEP, f"the holder added {count} photo(s) the experts asked for")
    brief = reverse("admin:disputes_dispute_brief", args=[dispute.pk])
    for asker in {r.requested_by for r in requests}:
        with translation.override(asker.language):
            notification_send(
                user=asker,
                subject=_("%(reference)s: the holder sent the photos you asked for")
                % {"reference": dispute.reference},
                body=_("They are with the complaint, on the dispute's brief."),
                link=brief,
            )


def dispute_triage(
    *,
    dispute: Dispute,
    staff: User,
    decision: str,
    reason: str = "",
    changes: dict[str, object] | None = None,
) -> Dispute:
    """Staff: fix a clerical error, reject with a reason, or send it to blind re-appraisal."""
    if not staff.has_perm(permissions.TRIAGE):
        raise PermissionDenied("Only staff can triage disputes.")
    reason = reason.strip()
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().select_related("report").get(pk=dispute.pk)
        if locked.state != State.TRIAGE:
            raise ValidationError(
                _("This dispute is past triage (%(state)s).")
                % {"state": locked.get_state_display()}
            )
        if decision == "clerical":
            if not changes:
                raise ValidationError(_("Say which fields of the report the correction changes."))
            corrected = report_correct(report=locked.report, changes=changes, reason=reason)
            return _resolve(locked, Outcome.CORRECTED, reason or "Clerical error", corrected)
        if decision == "reject":
            if not reason:
                raise ValidationError({"reason": _("A rejection needs a written reason.")})
            return _resolve(locked, Outcome.REJECTED, reason)
        if decision != "reappraise":
            raise ValidationError({"decision": _("Choose clerical, reject or reappraise.")})
        _state_move(locked, State.REAPPRAISAL)
        locked.reappraisal = reappraisal_open(
            submission=locked.report.submission,
            reference=locked.reference,
            brief=_brief(locked),
            brief_url=reverse("admin:disputes_dispute_brief", args=[locked.pk]),
            due_at=locked.due_at,
        )
        locked.save(update_fields=["reappraisal"])
        _step(locked, Kind.DISPUTE_STEP, "two independent experts re-examine the item, blind")
        return locked


def _brief(dispute: Dispute) -> str:
    """What the re-appraisers read on their case page: the complaint, never the report."""
    with translation.override(settings.LANGUAGE_CODE):
        return f"{dispute.get_reason_display()}\n\n{dispute.description}"


def dispute_after_reappraisal(*, reappraisal_id: int) -> None:
    """Once both re-appraisers signed: agreement with the original upholds it, anything else
    goes to the panel. Runs for each signed seat (``ReviewSigned``), at least once; a dispute
    past its re-appraisal is left alone, so a second run changes nothing."""
    with transaction.atomic():
        locked = (
            Dispute.objects.select_for_update()
            .select_related("report")
            .filter(reappraisal_id=reappraisal_id)
            .first()
        )
        if locked is None or locked.state != State.REAPPRAISAL:
            return
        verdicts = reappraisal_verdicts(reappraisal=reappraisal_id)
        if verdicts is None:
            return
        if all(verdict == locked.report.verdict for verdict in verdicts):
            _resolve(
                locked, Outcome.UPHELD, "Two independent experts reached the original verdict."
            )
            return
        _state_move(locked, State.PANEL)
        _step(locked, Kind.DISPUTE_STEP, "an arbitration panel of three decides")


def panel_seat_blockers(*, dispute: Dispute, arbitrator: User) -> list[str]:
    problems = []
    if not arbitrator.has_perm(permissions.ARBITRATE):
        problems.append("Only arbitrators sit on a dispute panel.")
    if submission_examined_by(submission_id=dispute.report.submission_id, user=arbitrator):
        problems.append("You examined this item; the panel needs people who did not.")
    return problems


def panel_vote(
    *, dispute: Dispute, arbitrator: User, role: str, verdict: str, reason: str
) -> PanelVote:
    """One arbitrator's vote in one of the three roles; the third vote decides by majority."""
    problems = panel_seat_blockers(dispute=dispute, arbitrator=arbitrator)
    if problems:
        raise PermissionDenied(" ".join(problems))
    if role not in PanelVote.Role.values:
        raise ValidationError({"role": _("Choose senior expert, brand or user representative.")})
    if role == PanelVote.Role.SENIOR_EXPERT and not arbitrator.has_perm(permissions.REVIEW):
        raise PermissionDenied("The senior expert seat needs a senior expert.")
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Choose authentic, counterfeit or inconclusive.")})
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(
            {"reason": _("Give the reason for your vote (10 characters or more).")}
        )
    with transaction.atomic():
        locked = Dispute.objects.select_for_update().select_related("report").get(pk=dispute.pk)
        if locked.state != State.PANEL:
            raise ValidationError(_("This dispute is not waiting for its panel."))
        try:
            with transaction.atomic():
                vote = PanelVote.objects.create(
                    dispute=locked, role=role, arbitrator=arbitrator, verdict=verdict,
                    reason=reason,
                )  # fmt: skip
        except IntegrityError:
            raise ValidationError(
                _("That seat is taken, or you already sit on this panel in another role.")
            ) from None
        votes = list(locked.votes.all())
        if len(votes) == len(PanelVote.Role.values):
            _panel_decides(locked, votes)
    return vote


def _panel_decides(dispute: Dispute, votes: list[PanelVote]) -> None:
    (verdict, count), *_ = Counter(v.verdict for v in votes).most_common(1)
    summary = "; ".join(f"{v.get_role_display()}: {v.get_verdict_display()}" for v in votes)
    if count < 2 or verdict == Verdict.INCONCLUSIVE:
        _resolve(dispute, Outcome.INCONCLUSIVE, f"The panel found no majority verdict ({summary}).")
    elif verdict == dispute.report.verdict:
        _resolve(dispute, Outcome.UPHELD, f"The panel upheld the verdict ({summary}).")
    else:
        corrected = report_correct(
            report=dispute.report,
            changes={"verdict": {"result": verdict, "reason": f"Dispute {dispute.reference}"}},
            reason=f"Dispute {dispute.reference}: verdict overturned by the panel ({summary})",
        )
        _resolve(dispute, Outcome.OVERTURNED, f"The panel overturned the verdict ({summary}).",
                 corrected)  # fmt: skip


def _resolve(
    dispute: Dispute, outcome: str, reason: str, corrected: Report | None = None
) -> Dispute:
    previous = dispute.state
    dispute.state = State.RESOLVED
    dispute.outcome = outcome
    dispute.outcome_reason = reason
    dispute.resolved_at = timezone.now()
    dispute.corrected_report = corrected
    if outcome == Outcome.UPHELD and settings.DISPUTE_FEE_EUR and not _fee_waived(dispute):
        dispute.fee_due_eur = Decimal(settings.DISPUTE_FEE_EUR)
    dispute.save()
    _state_emit(dispute, previous=previous)
    if outcome == Outcome.OVERTURNED:
        _compensate(dispute, corrected)
    if dispute.fee_due_eur:
        _fee_invoice(dispute)
    signal = CREDIT_SIGNAL_FOR.get(outcome)
    if signal is not None:
        credit_signal_record(
            member=dispute.opened_by,
            kind=signal,
            reference=f"dispute:{dispute.uid.hex}",
            occurred_at=dispute.resolved_at,
        )
    _step(dispute, Kind.DISPUTE_RESOLVED, f"{dispute.get_outcome_display()}. {reason}")
    with translation.override(dispute.opened_by.language):
        notification_send(
            user=dispute.opened_by,
            subject=_("%(reference)s: %(outcome)s")
            % {"reference": dispute.reference, "outcome": dispute.get_outcome_display()},
            body=_("Your dispute is resolved. The details are on the dispute's page.")
            + f"\n\n{reason}",
            link=reverse("disputes:detail", args=[dispute.uid]),
        )
    holder = report_holder(dispute.report)
    if holder.pk != dispute.opened_by_id:
        # The report passed on while the dispute ran: its outcome (and any compensation) is
        # the new holder's now; the dispute's page stays with whoever opened it.
        with translation.override(holder.language):
            notification_send(
                user=holder,
                subject=_("%(reference)s: %(outcome)s")
                % {"reference": dispute.report.reference, "outcome": dispute.get_outcome_display()},
                body=_(
                    "A dispute opened before this report came to you is resolved. Its outcome "
                    "applies to the report you now hold."
                )
                + f"\n\n{reason}",
                link=reverse("public:report", args=[dispute.report.public_token]),
            )
    return dispute


# What a resolution says about the person who opened the dispute, for their credit score
# (membership/credit.py): the report was wrong (corrected or overturned), or the dispute failed
# (rejected at triage, or the verdict upheld). An inconclusive outcome says neither.
CREDIT_SIGNAL_FOR: dict[str, str] = {
    Outcome.CORRECTED: CreditSignalKind.DISPUTE_UPHELD,
    Outcome.OVERTURNED: CreditSignalKind.DISPUTE_UPHELD,
    Outcome.REJECTED: CreditSignalKind.DISPUTE_REJECTED,
    Outcome.UPHELD: CreditSignalKind.DISPUTE_REJECTED,
}


def _cents(euros: Decimal) -> int:
    return int((euros * 100).to_integral_value())


def _fee_invoice(dispute: Dispute) -> None:
    """Bill the opener the dispute fee (``fee_due_eur``), once per dispute (its reference)."""
    with translation.override(dispute.opened_by.language):
        line = LineInput(
            description=_("Dispute fee %(reference)s: the verdict was upheld")
            % {"reference": dispute.reference},
            cents=_cents(dispute.fee_due_eur),
        )
    try:
        invoice_issue(
            member=dispute.opened_by,
            purpose=Invoice.Purpose.DISPUTE_FEE,
            reference=f"dispute:{dispute.uid.hex}",
            lines=[line],
        )
    except BillingRefused as error:
        raise ValidationError(error.message, code=error.code) from error


def _fee_waived(dispute: Dispute) -> bool:
    """Whether the opener's plans waived the dispute fee when they opened it (Black card,
    Diamond): the terms they disputed under, whatever they hold by the time it resolves."""
    return membership_current(dispute.opened_by, now=dispute.opened_at).dispute_fee_waived


def guarantee_cap_eur(
    *, tier: str, holder: User, at: datetime | None = None
) -> tuple[Decimal, Decimal]:
    """The guarantee's cap for a case of ``tier`` held by ``holder``: the tier's cap
    (``GUARANTEE_CAP_EUR``) times the multiplier of the plans the holder held ``at`` (default
    now; a dispute passes the moment it was opened, the terms it was brought under, so a tier
    reached while it runs changes nothing). Returns the cap and the multiplier."""
    multiplier = membership_current(holder, now=at).guarantee_multiplier
    base = Decimal(settings.GUARANTEE_CAP_EUR.get(tier, 0))
    return (base * multiplier).quantize(Decimal("0.01")), multiplier


def _compensate(dispute: Dispute, corrected: Report | None) -> Compensation:
    """The guarantee's record for the holder now: the declared value up to the tier's cap
    (times the holder's plan multiplier) for an item that was authenticated but isn't, the
    appraisal fee for any other wrong verdict."""
    submission = dispute.report.submission
    tier = submission.tier or "standard"
    holder = report_holder(dispute.report)
    fee = Decimal(settings.APPRAISAL_FEE_EUR.get(tier, 0))
    new_verdict = corrected.verdict if corrected else ""
    if dispute.report.verdict == Verdict.AUTHENTIC and new_verdict == Verdict.COUNTERFEIT:
        cap, multiplier = guarantee_cap_eur(tier=tier, holder=holder, at=dispute.opened_at)
        declared = Decimal(submission.declared_value_eur or 0)
        amount = min(declared, cap) if declared else fee
        basis = f"Mis-authenticated item: declared value {declared} EUR, {tier} cap {cap} EUR"
        if multiplier != 1:
            basis += f" (plan multiplier {multiplier})"
    else:
        amount, basis = fee, f"Wrong verdict: the {tier} appraisal fee"
    return Compensation.objects.create(
        dispute=dispute, beneficiary=holder, amount_eur=amount, basis=basis[:200]
    )


def compensation_approve(*, compensation: Compensation, staff: User) -> Compensation:
    if not staff.has_perm(permissions.COMPENSATE):
        raise PermissionDenied("Only staff can approve compensation.")
    with transaction.atomic():
        locked = Compensation.objects.select_for_update().get(pk=compensation.pk)
        if locked.status != Compensation.Status.PENDING:
            raise ValidationError(_("Only a pending compensation can be approved."))
        locked.status, locked.approved_by = Compensation.Status.APPROVED, staff
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        return locked


def compensation_mark_paid(*, compensation: Compensation, staff: User) -> Compensation:
    if not staff.has_perm(permissions.COMPENSATE):
        raise PermissionDenied("Only staff can record a payment.")
    with transaction.atomic():
        locked = Compensation.objects.select_for_update().get(pk=compensation.pk)
        if locked.status != Compensation.Status.APPROVED:
            raise ValidationError(_("Approve the compensation before recording its payment."))
        locked.status, locked.paid_at = Compensation.Status.PAID, timezone.now()
        locked.save(update_fields=["status", "paid_at"])
        # The money leaves on the billing ledger, in the same transaction as the payment's record.
        cents = _cents(locked.amount_eur)
        try:
            if cents:
                payout_record(
                    member=locked.beneficiary,
                    cents=cents,
                    reference=f"compensation:{locked.pk}",
                    reason=f"Guarantee compensation, dispute {locked.dispute.reference}",
                )
        except BillingRefused as error:
            raise ValidationError(error.message, code=error.code) from error
        return locked


def disputes_sla_breaches_record() -> int:
    """Mark disputes past their clock once each, with a line on the case's timeline."""
    return sla_breaches_record(
        Dispute.objects.filter(resolved_at__isnull=True, due_at__lt=timezone.now()),
        lambda dispute: _step(
            dispute,
            Kind.DISPUTE_STEP,
            f"past the {settings.DISPUTE_SLA_HOURS}-hour promise; it keeps its place first.",
        ),
    )
