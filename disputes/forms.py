"""The forms of disputes: the holder's complaint, staff's triage and an arbitrator's vote."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from appraisals.models import Verdict
from authplatform.jsondepth import json_depth_check
from disputes.models import Dispute, PanelVote


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(choices=Dispute.Reason.choices, widget=forms.RadioSelect)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class TriageForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("reappraise", "Substantive: blind re-appraisal by two new experts"),
            ("clerical", "Clerical error: issue a corrected version"),
            ("reject", "Reject, with a written reason"),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    changes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="For a clerical fix: the corrected top-level fields as JSON, e.g. "
        '{"item": {...}} (item, verdict, condition or findings).',
    )

    def clean_changes(self) -> dict[str, Any] | None:
        text = self.cleaned_data["changes"].strip()
        if not text:
            return None
        try:
            json_depth_check(text)
            value = json.loads(text)
        except ValueError as error:
            raise ValidationError(f"Not valid JSON: {error}") from error
        if not isinstance(value, dict):
            raise ValidationError("Give a JSON object of fields.")
        return value


class VoteForm(forms.Form):
    role = forms.ChoiceField(choices=PanelVote.Role.choices)
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
