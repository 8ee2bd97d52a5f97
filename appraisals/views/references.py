"""Genuine reference photos, which staff upload in the admin: served to any signed-in member
(buyers copy them as examples, experts compare against them), never from a public media path."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.views.decorators.http import require_GET

from appraisals.selectors.references import reference_photo_get_visible
from members.http import AuthenticatedHttpRequest


@login_required
@require_GET
def reference_image(request: AuthenticatedHttpRequest, reference_id: int) -> FileResponse:
    reference = reference_photo_get_visible(reference_id=reference_id, user=request.user)
    response = FileResponse(reference.image.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
