"""Pages of the guided submission: item, photos, details, review, status and the list.

Each step saves the draft and redirects to the next, so a reload or a lost connection
loses nothing and the buyer can come back later. Pages work without JavaScript; with htmx
the photo slots update in place and the status timeline refreshes itself.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisals import selectors
from appraisals.forms import BatchPhotoForm, DetailsForm, ItemForm, MovePhotoForm, PaymentForm
from appraisals.models import Brand, Category, ReportFeedback, Status, Submission, Tier
from appraisals.pricing import Money, price_format
from appraisals.report_pages import report_holder_context
from appraisals.selectors.queue import submission_queue_place
from appraisals.selectors.reports import report_latest_for_submission
from appraisals.services.feedback import nps_due
from appraisals.services.payments import (
    submission_cancel,
    submission_cancellable,
    submission_checkout,
    submission_fee_invoice,
    submission_is_charged,
    submission_offer,
)
from appraisals.services.photos import (
    submission_photo_delete,
    submission_photo_move,
    submission_photo_upload,
    submission_photos_batch,
)
from appraisals.services.priority import submission_due_in
from appraisals.services.submissions import (
    submission_blockers,
    submission_details_update,
    submission_item_update,
    submission_photo_gaps,
    submission_photos_complete,
    submission_price,
    submission_start,
)
from appraisals.uploads import PhotoRejected
from members.http import AuthenticatedHttpRequest
from members.models import User
from membership.selectors.plans import membership_current
from membership.selectors.points import points_balance

STEPS = [
    ("item", gettext_lazy("Item")),
    ("photos", gettext_lazy("Photos")),
    ("details", gettext_lazy("Details")),
    ("review", gettext_lazy("Review")),
]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _wizard_context(submission: Submission | None, step: str) -> dict[str, object]:
    return {"submission": submission, "steps": STEPS, "step": step}


def _next_step_url(submission: Submission) -> str:
    """Where a buyer resumes a draft: the first step still incomplete."""
    if not submission.is_editable:
        return reverse("appraisals:submission-detail", args=[submission.uid])
    photos = {p.slot_id: p for p in submission.photos.all()}
    for slot in submission.category.slots.all():
        photo = photos.get(slot.pk)
        if (slot.required and photo is None) or (photo is not None and not photo.quality_ok):
            return reverse("appraisals:submission-photos", args=[submission.uid])
    if not submission.tier:
        return reverse("appraisals:submission-details", args=[submission.uid])
    return reverse("appraisals:submission-review", args=[submission.uid])


def _redirect_if_locked(submission: Submission) -> HttpResponse | None:
    if submission.is_editable:
        return None
    return redirect("appraisals:submission-detail", submission.uid)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html", {"categories": selectors.category_list()})


@login_required
@require_GET
def submission_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    items = [
        (s, _next_step_url(s) if s.is_editable else None)
        for s in selectors.submission_list_for_owner(owner=request.user).prefetch_related(
            "photos", "category__slots"
        )
    ]
    return render(request, "appraisals/submission_list.html", {"items": items})


def _item_form_response(
    request: HttpRequest, form: ItemForm, submission: Submission | None, status: int = 200
) -> HttpResponse:
    context = {**_wizard_context(submission, "item"), "form": form}
    return render(request, "appraisals/step_item.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def submission_start_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_start(owner=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("appraisals:submission-photos", submission.uid)
    status = 400 if request.method == "POST" else 200
    return _item_form_response(request, form, None, status)


@login_required
@require_http_methods(["GET", "POST"])
def submission_item(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    initial = {
        "category": submission.category,
        "brand": submission.brand,
        "product_model": submission.product_model,
    }
    form = ItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submission_item_update(submission=submission, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("appraisals:submission-photos", submission.uid)
    status = 400 if request.method == "POST" else 200
    return _item_form_response(request, form, submission, status)


@login_required
@require_GET
def catalog_options(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The brand and model pickers of step 1, refreshed as the buyer chooses or types."""
    form = ItemForm(request.GET)
    category = form.chosen("category", Category)
    brand = form.chosen("brand", Brand)
    if (
        brand is not None
        and category is not None
        and not brand.categories.filter(pk=category.pk).exists()
    ):
        brand = None
    context = {
        "brands": selectors.brand_list(category=category),
        "models": selectors.product_model_search(
            category=category, brand=brand, query=request.GET.get("q", "")
        ),
        "selected_brand": brand,
        "selected_model": request.GET.get("product_model", ""),
        "query": request.GET.get("q", ""),
    }
    return render(request, "appraisals/partials/catalog_options.html", context)


def _photos_context(submission: Submission) -> dict[str, object]:
    photos = {p.slot_id: p for p in selectors.submission_photos(submission=submission)}
    slots = list(submission.category.slots.order_by("position"))
    return {
        **_wizard_context(submission, "photos"),
        "slot_cards": [(slot, photos.get(slot.pk)) for slot in slots],
        "slots": slots,
        "batch_form": BatchPhotoForm(),
        "max_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        "gaps": submission_photo_gaps(submission=submission),
    }


@login_required
@require_GET
def submission_photos(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    return render(request, "appraisals/step_photos.html", _photos_context(submission))


@login_required
@require_POST
def submission_photos_continue(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    """Leave the photo step for the details, refused while a required photo is missing or a
    photo must be retaken: the step stays on screen naming each one."""
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    try:
        submission_photos_complete(submission=submission)
    except ValidationError as error:
        context = {**_photos_context(submission), "continue_refused": error.messages}
        return render(request, "appraisals/step_photos.html", context, status=400)
    return redirect("appraisals:submission-details", submission.uid)


def _read_upload(upload: object) -> bytes:
    """Read an uploaded file, refusing before reading if it is over the limit."""
    size = getattr(upload, "size", 0) or 0
    if size > settings.PHOTO_MAX_BYTES:
        raise PhotoRejected(
            "too_large",
            _("This file is %(size).1f MB; the limit is %(limit)d MB per photo.")
            % {"size": size / 1_048_576, "limit": settings.PHOTO_MAX_BYTES // 1_048_576},
        )
    return upload.read()  # type: ignore[attr-defined]


def _slot_card(
    request: HttpRequest,
    submission: Submission,
    slot_code: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    slot = selectors.submission_slot_get(submission=submission, slot_code=slot_code)
    photo = submission.photos.filter(slot=slot).first()
    context = {
        "submission": submission,
        "slot": slot,
        "photo": photo,
        "error": error,
        "slots": submission.category.slots.order_by("position"),
        "max_mb": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        # The step's to-do line is swapped out of band, so it never contradicts the cards.
        "gaps": submission_photo_gaps(submission=submission),
        "todo_out_of_band": True,
    }
    return render(request, "appraisals/partials/slot_card.html", context, status=status)


@login_required
@require_POST
def submission_photo_upload_view(
    request: AuthenticatedHttpRequest, uid: str, slot_code: str
) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    slot = selectors.submission_slot_get(submission=submission, slot_code=slot_code)
    # The file is read here rather than through a form field so that an empty or odd file
    # reaches the sanitiser and gets its specific message.
    upload = request.FILES.get("photo")
    error, status = "", 200
    if upload is None:
        error, status = _("Choose a photo to upload."), 400
    else:
        try:
            photo = submission_photo_upload(
                submission=submission, slot=slot, data=_read_upload(upload)
            )
        except PhotoRejected as rejection:
            error, status = rejection.message, 400
        except ValidationError as invalid:
            error, status = " ".join(invalid.messages), 400
        else:
            if not photo.quality_ok:
                status = 200  # Stored, but the card tells the buyer what to retake.
    if _is_htmx(request):
        return _slot_card(request, submission, slot.code, error, status)
    if error:
        messages.error(
            request, _("%(slot)s: %(error)s") % {"slot": slot.local_name, "error": error}
        )
    return redirect(reverse("appraisals:submission-photos", args=[uid]) + f"#slot-{slot.code}")


@login_required
@require_POST
def submission_photos_batch_view(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    uploads = request.FILES.getlist("photos")
    if not uploads:
        messages.error(request, _("Choose one or more photos to upload."))
        return redirect("appraisals:submission-photos", uid)
    files: list[tuple[str, bytes]] = []
    refused: list[str] = []
    for upload in uploads:
        try:
            files.append((upload.name or "photo", _read_upload(upload)))
        except PhotoRejected as rejection:
            refused.append(
                _("%(file)s: %(error)s") % {"file": upload.name, "error": rejection.message}
            )
    try:
        results = submission_photos_batch(submission=submission, files=files)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return redirect("appraisals:submission-photos", uid)
    placed = [r for r in results if r.photo]
    refused += [
        _("%(file)s: %(error)s") % {"file": r.filename, "error": r.error.message}
        for r in results
        if r.error
    ]
    if placed:
        names = ", ".join(f"{r.filename} → {r.photo.slot.local_name}" for r in placed if r.photo)
        messages.success(
            request,
            ngettext(
                "Placed %(count)d photo: %(names)s. Move it if it landed in the wrong slot.",
                "Placed %(count)d photos: %(names)s. Move any that landed in the wrong slot.",
                len(placed),
            )
            % {"count": len(placed), "names": names},
        )
    for line in refused:
        messages.error(request, line)
    return redirect("appraisals:submission-photos", uid)


@login_required
@require_POST
def submission_photo_move_view(
    request: AuthenticatedHttpRequest, uid: str, photo_id: int
) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    photo = selectors.submission_photo_get(submission=submission, photo_id=photo_id)
    form = MovePhotoForm(request.POST)
    if form.is_valid():
        slot = selectors.submission_slot_get(
            submission=submission, slot_code=form.cleaned_data["slot"]
        )
        try:
            submission_photo_move(submission=submission, photo=photo, slot=slot)
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
    else:
        messages.error(request, _("Choose the slot to move this photo to."))
    return redirect("appraisals:submission-photos", uid)


@login_required
@require_POST
def submission_photo_delete_view(
    request: AuthenticatedHttpRequest, uid: str, photo_id: int
) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    photo = selectors.submission_photo_get(submission=submission, photo_id=photo_id)
    slot_code = photo.slot.code
    submission_photo_delete(submission=submission, photo=photo)
    if _is_htmx(request):
        return _slot_card(request, submission, slot_code)
    return redirect("appraisals:submission-photos", uid)


@login_required
@require_GET
def submission_photo_image(
    request: AuthenticatedHttpRequest, uid: str, photo_id: int
) -> FileResponse:
    """The stored photo, to its owner only; storage names are never exposed.

    Pages link it with its content's SHA-256 (``?v=``), so a retake is a new address and never
    shows the old bytes from the cache, and that address may be kept for good. Without the
    current version the browser must ask again each time.
    """
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    photo = selectors.submission_photo_get(submission=submission, photo_id=photo_id)
    response = FileResponse(photo.image.open("rb"), content_type="image/jpeg")
    current = request.GET.get("v") == photo.sha256
    response["Cache-Control"] = (
        "private, max-age=31536000, immutable" if current else "private, no-cache"
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def submission_details(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    initial = {
        "serial_code": submission.serial_code,
        "declared_value_eur": submission.declared_value_eur,
        "tier": submission.tier or "standard",
    }
    form = DetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submission_details_update(submission=submission, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("appraisals:submission-review", submission.uid)
    status = 400 if request.method == "POST" else 200
    context = {
        **_wizard_context(submission, "details"),
        "form": form,
        "tiers": _tier_choices(submission, form),
    }
    return render(request, "appraisals/step_details.html", context, status=status)


def _tier_choices(submission: Submission, form: DetailsForm) -> list[dict[str, object]]:
    """Each tier's radio with its price for this item, the price after the member's pass or
    free appraisal (the offer, on a case that pays), and the hours its report is promised in
    (the tier's, or the member's plan SLA where shorter)."""
    charged = submission_is_charged(submission=submission)
    benefits = membership_current(submission.owner)
    choices: list[dict[str, object]] = []
    for radio in form["tier"]:
        tier = radio.data["value"]
        offer = submission_offer(submission=submission, tier=tier) if charged else None
        due_in = submission_due_in(tier=tier, benefits=benefits)
        choices.append(
            {
                "radio": radio,
                "tier": tier,
                "price": _price(submission, tier),
                "offer": offer,
                "after": price_format(Money(offer.price_cents)) if offer else None,
                "hours": int(due_in.total_seconds() // 3600),
            }
        )
    return choices


def _price(submission: Submission, tier: str) -> str:
    """What ``tier`` costs for this item, as the reader's language writes it."""
    return price_format(submission_price(submission=submission, tier=tier))


def _price_of(submission: Submission) -> str | None:
    """The case's price: as quoted at its submission, else what its tier costs today."""
    if submission.price_cents is None and submission.tier not in Tier.values:
        return None
    return price_format(submission_price(submission=submission))


def _payment_context(submission: Submission, member: User) -> dict[str, object]:
    """The review step's offer: the tier's price, what a pass or free appraisal covers, the
    points the member may apply, what they pay, and an invoice already issued for the case."""
    invoice = submission_fee_invoice(submission=submission)
    context: dict[str, object] = {
        "invoice_due": invoice if invoice is not None and invoice.status == "due" else None,
        "invoice_due_amount": price_format(Money(invoice.total_cents)) if invoice else None,
        "invoice_paid": invoice if invoice is not None and invoice.is_paid else None,
        "pays": False,
    }
    if not submission.tier or not submission_is_charged(submission=submission):
        return context
    offer = submission_offer(submission=submission)
    pays = offer.price_cents > 0 and context["invoice_paid"] is None
    balance = points_balance(member)
    cap = offer.price_cents * settings.POINTS_MAX_DISCOUNT_PERCENT // 100
    return {
        **context,
        "offer": offer,
        "covered": price_format(Money(offer.covered_cents)),
        "to_pay": price_format(Money(offer.price_cents)),
        "pays": pays,
        "price_seen": offer.price_cents,
        "points_balance": balance,
        "points_most": min(balance, cap // settings.POINTS_CENT_VALUE),
        "point_value": price_format(Money(settings.POINTS_CENT_VALUE)),
    }


@login_required
@require_http_methods(["GET", "POST"])
def submission_review(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    if locked := _redirect_if_locked(submission):
        return locked
    status = 200
    problems = submission_blockers(submission=submission)
    payment = _payment_context(submission, request.user)
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        initial={"price_seen": payment.get("price_seen")},
    )
    if request.method == "POST" and not form.is_valid():
        status = 400
    elif request.method == "POST":
        here = request.build_absolute_uri(
            reverse("appraisals:submission-review", args=[submission.uid])
        )
        try:
            result = submission_checkout(
                submission=submission,
                points=form.cleaned_data["points"] or 0,
                success_url=here,
                cancel_url=here,
                expected_cents=form.cleaned_data["price_seen"],
            )
        except ValidationError as error:
            submission.refresh_from_db()
            if locked := _redirect_if_locked(submission):
                return locked  # a second click after the first one submitted it
            problems, status = error.messages, 400
        else:
            if result.submitted:
                messages.success(request, _("Submitted. We're checking your photos now."))
                return redirect("appraisals:submission-detail", submission.uid)
            if result.redirect_url:
                return redirect(result.redirect_url)
            return redirect("appraisals:submission-review", submission.uid)
    context = {
        **_wizard_context(submission, "review"),
        "photos": selectors.submission_photos(submission=submission),
        "problems": problems,
        "price": _price_of(submission),
        "declared_value": price_format(Money(submission.declared_value_eur * 100))
        if submission.declared_value_eur
        else None,
        "form": form,
        **(_payment_context(submission, request.user) if status != 200 else payment),
    }
    return render(request, "appraisals/step_review.html", context, status=status)


def _status_context(request: AuthenticatedHttpRequest, submission: Submission) -> dict[str, object]:
    return {
        "submission": submission,
        "events": selectors.submission_events(submission=submission, viewer=request.user),
        # Keep polling while something is still expected to happen without the buyer: fast
        # during the photo check (seconds), slower while the case waits in a queue.
        "live": submission.status in (Status.SUBMITTED, Status.QUEUED, Status.AWAITING_EXPERT),
        "poll_seconds": 2 if submission.status in (Status.SUBMITTED, Status.QUEUED) else 15,
        "queue_place": submission_queue_place(submission=submission),
    }


@login_required
@require_GET
def submission_detail(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    report = report_latest_for_submission(submission_id=submission.pk)
    context = {
        **_status_context(request, submission),
        "photos": selectors.submission_photos(submission=submission),
        "resume_url": _next_step_url(submission) if submission.is_editable else None,
        "report": report,
        "feedback_given": report is not None
        and ReportFeedback.objects.filter(report__submission=submission).exists(),
        "nps_due": report is not None and nps_due(user=request.user),
        "photo_request": submission.photo_requests.filter(answered_at__isnull=True).first(),
        "nps_scale": range(11),
        "price": _price_of(submission),
        "cancellable": submission_cancellable(submission=submission),
        **report_holder_context(report, request.user),
    }
    return render(request, "appraisals/submission_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def submission_cancel_view(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    """Cancel a case no expert has taken, after the owner confirms on this page (it says what
    comes back); once an expert holds it, a 409 that says so."""
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    error = ""
    if request.method == "POST":
        try:
            submission_cancel(submission=submission, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("The case is cancelled."))
            return redirect("appraisals:submission-detail", submission.uid)
    elif not submission_cancellable(submission=submission):
        error = _("This case can no longer be cancelled.")
    context = {
        "submission": submission,
        "error": error,
        "invoice": submission_fee_invoice(submission=submission),
    }
    return render(
        request, "appraisals/submission_cancel.html", context, status=409 if error else 200
    )


@login_required
@require_GET
def submission_timeline(request: AuthenticatedHttpRequest, uid: str) -> HttpResponse:
    submission = selectors.submission_get_for_owner(uid=uid, owner=request.user)
    return render(
        request, "appraisals/partials/timeline.html", _status_context(request, submission)
    )
