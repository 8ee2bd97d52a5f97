"""The forms of disputes: the holder's complaint, staff's triage (with the named fields a
clerical correction may change), a re-appraiser's request for photos and an arbitrator's vote."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from appraisals.models import ConditionGrade, Feature, Report, Verdict
from disputes.models import Dispute, PanelVote


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(choices=Dispute.Reason.choices, widget=forms.RadioSelect)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


def _text(label: Any, *, rows: int = 0, max_length: int = 500, help_text: Any = "") -> forms.Field:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(attrs={"size": 40})
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=widget, help_text=help_text
    )


# The correctable sections of a report (appraisals.services.reports.CORRECTABLE_FIELDS) and
# their keys, each a named field of the form: ``<section>_<key>``.
ITEM_KEYS = ("brand", "model", "model_reference")
CONDITION_KEYS = ("wear", "repairs", "replaced_parts")


class TriageForm(forms.Form):
    """Staff's decision. A clerical fix names what it corrects in fields that show the report's
    current values: what staff change there becomes the corrected version; nothing is typed as
    JSON. ``cleaned_data["changes"]`` holds the changed sections, as ``report_correct`` takes
    them."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("reappraise", _("Substantive: blind re-appraisal by two new experts")),
            ("clerical", _("Clerical error: issue a corrected version")),
            ("reject", _("Reject, with a written reason")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    item_brand = _text(_("Brand"), max_length=100)
    item_model = _text(_("Model"), max_length=200)
    item_model_reference = _text(_("Model reference"), max_length=100)
    item_serial = _text(
        _("Serial or date code"),
        max_length=40,
        help_text=_("The full corrected serial; leave it empty to keep the current one."),
    )
    verdict_result = forms.ChoiceField(label=_("Verdict"), choices=Verdict.choices, required=False)
    verdict_reason = _text(_("Verdict reason"), rows=2, max_length=2000)
    condition_grade = forms.ChoiceField(
        label=_("Condition grade"), choices=ConditionGrade.choices, required=False
    )
    condition_wear = _text(_("Visible wear"), rows=2, max_length=2000)
    condition_repairs = _text(_("Repairs"), rows=2, max_length=2000)
    condition_replaced_parts = _text(_("Replaced parts"), rows=2, max_length=2000)

    # Which fields belong to the clerical fix, for the page to group them.
    CLERICAL_PREFIXES = ("item_", "verdict_", "condition_", "finding_")

    def __init__(self, data: Any = None, *, report: Report) -> None:
        self.report = report
        document = report.document
        item = document.get("item") or {}
        verdict = document.get("verdict") or {}
        condition = document.get("condition") or {}
        initial = {
            **{f"item_{key}": item.get(key) or "" for key in ITEM_KEYS},
            "verdict_result": verdict.get("result") or "",
            "verdict_reason": verdict.get("reason") or "",
            "condition_grade": condition.get("grade") or "",
            **{f"condition_{key}": condition.get(key) or "" for key in CONDITION_KEYS},
        }
        self.findings = [f for f in document.get("findings") or [] if isinstance(f, dict)]
        for finding in self.findings:
            initial[f"finding_{finding['feature']}"] = finding.get("reason") or ""
        super().__init__(data, initial=initial)
        for finding in self.findings:
            label = _label(Feature, finding["feature"])
            self.fields[f"finding_{finding['feature']}"] = _text(
                _("Finding: %(feature)s") % {"feature": label}, rows=2, max_length=2000
            )

    def clerical_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(self.CLERICAL_PREFIXES)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") != "clerical" or self.errors:
            data["changes"] = None
            return data
        data["changes"] = self._changes(data)
        return data

    def _value(self, data: dict[str, Any], name: str) -> str:
        return str(data.get(name) or "").strip()

    def _changes(self, data: dict[str, Any]) -> dict[str, Any] | None:
        """The sections the correction changes, each whole; field errors name the field."""
        document = self.report.document
        changes: dict[str, Any] = {}
        if not self._value(data, "item_brand"):
            self.add_error("item_brand", _("Brand: a report names the brand; it can't be empty."))
        serial = " ".join(self._value(data, "item_serial").split()).upper()
        if serial and not serial.replace("-", "").replace(" ", "").isalnum():
            self.add_error(
                "item_serial",
                _("Serial or date code: use letters, digits, spaces and hyphens only."),
            )
        item = dict(document.get("item") or {})
        new_item = {**item, **{k: self._value(data, f"item_{k}") or None for k in ITEM_KEYS}}
        if serial:
            new_item["serial"] = serial
        if new_item != item:
            changes["item"] = new_item

        verdict = dict(document.get("verdict") or {})
        result = self._value(data, "verdict_result") or verdict.get("result")
        verdict_reason = self._value(data, "verdict_reason")
        if result == Verdict.INCONCLUSIVE and not verdict_reason:
            self.add_error(
                "verdict_reason", _("Verdict reason: an inconclusive verdict needs its reason.")
            )
        new_verdict = {**verdict, "result": result, "reason": verdict_reason or None}
        if new_verdict != {**verdict, "reason": verdict.get("reason") or None}:
            changes["verdict"] = new_verdict

        condition = dict(document.get("condition") or {})
        new_condition = {
            **condition,
            "grade": self._value(data, "condition_grade") or condition.get("grade"),
            **{k: self._value(data, f"condition_{k}") for k in CONDITION_KEYS},
        }
        if new_condition != {**condition, **{k: condition.get(k) or "" for k in CONDITION_KEYS}}:
            changes["condition"] = new_condition

        findings = []
        for finding in self.findings:
            name = f"finding_{finding['feature']}"
            reason = self._value(data, name)
            if not reason:
                self.add_error(
                    name,
                    _("%(field)s: a finding keeps its reason; it can't be empty.")
                    % {"field": self.fields[name].label},
                )
            findings.append({**finding, "reason": reason})
        if findings != self.findings:
            changes["findings"] = findings

        if self.errors:
            return None
        if not changes:
            raise ValidationError(
                _(
                    "A clerical fix changes at least one field: the fields show the report as it "
                    "is; correct the one that is wrong."
                ),
                code="no_changes",
            )
        return changes


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


class PhotoRequestForm(forms.Form):
    """A re-appraiser asks the holder for more photos (on the dispute's brief)."""

    message = forms.CharField(
        label=_("Which photos do you need, and why?"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VoteForm(forms.Form):
    role = forms.ChoiceField(choices=PanelVote.Role.choices)
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
