"""Passport pages: the public one (via QR), the owner's, the transfer link, service records."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from appraisals import permissions
from appraisals.report_pages import qr_svg
from authplatform.errors import error_messages
from members.http import AuthenticatedHttpRequest
from passports import selectors, services
from passports.forms import LinkForm, ServiceForm, TransferForm
from passports.models import Item


def _qr_svg(request: HttpRequest, item: Item) -> str:
    url = request.build_absolute_uri(reverse("passports:public", args=[item.public_token]))
    return qr_svg(url, scale=3)


@require_GET
def passport_public(request: HttpRequest, token: str) -> HttpResponse:
    item = selectors.item_get_public(token=token)
    if item.merged_into is not None:
        return redirect("passports:public", token=item.merged_into.public_token)
    return render(
        request,
        "passports/public.html",
        {
            "item": item,
            "events": selectors.passport_events(item=item),
            "qr_svg": _qr_svg(request, item),
            "can_record_service": request.user.has_perm("passports.record_service"),
            "can_link": request.user.has_perm(permissions.REVIEW),
        },
    )


@login_required
@require_GET
def passports_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "passports/mine.html", {"items": selectors.items_of(owner=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def passport_owner(request: AuthenticatedHttpRequest, uid: Any) -> HttpResponse:
    item = selectors.item_get_for_owner(uid=uid, owner=request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    form = TransferForm(request.POST if action == "transfer" else None)
    errors: list[str] = []
    if action is not None:
        try:
            if action == "transfer":
                if form.is_valid():
                    services.transfer_propose(
                        item=item, owner=request.user, to_email=form.cleaned_data["to_email"]
                    )
                    messages.success(
                        request, _("Transfer proposed: the new owner has to accept it.")
                    )
                    return redirect("passports:item", uid=item.uid)
            elif action == "cancel":
                open_transfer = selectors.transfer_open(item=item)
                if open_transfer is not None:
                    services.transfer_cancel(transfer=open_transfer, owner=request.user)
                return redirect("passports:item", uid=item.uid)
            elif action in ("stolen", "recovered"):
                services.stolen_set(item=item, owner=request.user, stolen=action == "stolen")
                return redirect("passports:item", uid=item.uid)
            else:
                errors.append(_("Unknown action."))
        except (ValidationError, PermissionDenied) as error:
            errors += error_messages(error)
    return render(
        request,
        "passports/owner.html",
        {
            "item": item,
            "form": form,
            "errors": errors,
            "open_transfer": selectors.transfer_open(item=item),
            "held_reports": selectors.reports_held_on(item=item, user=request.user),
        },
        status=400 if action is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def passport_transfer(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    transfer = selectors.transfer_get(token=token, user=request.user)
    errors: list[str] = []
    if request.method == "POST":
        try:
            if request.POST.get("action") == "accept":
                services.transfer_accept(token=token, user=request.user)
                messages.success(request, _("The item and its passport are now yours."))
                return redirect("passports:public", token=transfer.item.public_token)
            services.transfer_decline(token=token, user=request.user)
            messages.info(request, _("You declined the transfer."))
            return redirect("passports:mine")
        except (ValidationError, PermissionDenied) as error:
            errors = error_messages(error)
    mine = request.user.email.lower() == transfer.to_email
    return render(
        request,
        "passports/transfer.html",
        {"transfer": transfer, "errors": errors, "addressed_to_me": mine},
        status=400 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def passport_service(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    if not request.user.has_perm("passports.record_service"):
        raise PermissionDenied(_("Only staff and partners may add service or repair records."))
    item = selectors.item_get_public(token=token)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["occurred_on"]
        occurred_at = (
            timezone.make_aware(datetime.combine(day, time(12, 0))) if day is not None else None
        )
        try:
            services.service_record(
                item=item,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                summary=form.cleaned_data["summary"],
                occurred_at=occurred_at,
            )
        except (ValidationError, PermissionDenied) as error:
            for message in error_messages(error):
                form.add_error(None, message)
        else:
            return redirect("passports:public", token=item.public_token)
    status = 400 if request.method == "POST" else 200
    return render(request, "passports/service.html", {"item": item, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def passport_link(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """Experts: this serial-less item is the item of another passport (given by its link)."""
    if not request.user.has_perm(permissions.REVIEW):
        raise PermissionDenied(_("Only experts can link an item to a passport."))
    source = selectors.item_get_public(token=token)
    form = LinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        target = Item.objects.filter(public_token=form.cleaned_data["target_token"]).first()
        if target is None:
            form.add_error("target", _("No passport at that address."))
        else:
            try:
                services.item_link(source=source, target=target, expert=request.user)
            except (ValidationError, PermissionDenied) as error:
                for message in error_messages(error):
                    form.add_error(None, message)
            else:
                return redirect("passports:public", token=target.public_token)
    status = 400 if request.method == "POST" else 200
    return render(request, "passports/link.html", {"item": source, "form": form}, status=status)
