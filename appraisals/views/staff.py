"""Staff pages: the pre-screen's published error rates, per brand and per slot; the SLA
figures, per service tier and per member plan."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from appraisals.models import Tier
from appraisals.services.sla import SlaFigures, sla_figures, sla_figures_by
from membership.models import Plan
from ml.models import ModelVersion
from ml.selectors import model_version_active, model_version_list

# The plots evaluate_classifier writes; nothing else in a report folder is served.
PLOTS = (
    "reliability.png",
    "error_by_brand.png",
    "error_by_slot.png",
    "roc.png",
    "confusion.png",
    "feature_auroc.png",
)


def _rows(groups: object) -> list[tuple[str, dict[str, object]]]:
    if not isinstance(groups, dict):
        return []
    return sorted(groups.items(), key=lambda kv: -float(kv[1].get("misjudgement_rate") or 0))


@require_GET
@permission_required("ml.view_modelversion", raise_exception=True)
def ai_quality(request: HttpRequest) -> HttpResponse:
    version = model_version_active()
    chosen = request.GET.get("version")
    if chosen:
        version = model_version_list().filter(pk=chosen).first() if chosen.isdigit() else None
        if version is None:
            raise Http404("No such model version.")
    evaluation = version.evaluation if version else {}
    context = {
        "version": version,
        "versions": model_version_list()[:20],
        "evaluation": evaluation,
        "overall": evaluation.get("overall", {}),
        "per_brand": _rows(evaluation.get("per_brand")),
        "per_slot": _rows(evaluation.get("per_slot")),
        "per_feature": sorted((evaluation.get("per_feature") or {}).items()),
        "routing": evaluation.get("auto_routing", {}),
        "localisation": evaluation.get("localisation"),
        "plots": [p for p in PLOTS if version and (_report_dir(version) / p).exists()],
        "target_misjudgement": 0.03,
    }
    return render(request, "appraisals/staff/ai_quality.html", context)


def _report_dir(version: ModelVersion) -> Path:
    return Path(str(version.evaluation.get("report_dir", "/nonexistent")))


@require_GET
@permission_required("ml.view_modelversion", raise_exception=True)
def ai_quality_plot(request: HttpRequest, version_id: int, name: str) -> FileResponse:
    version = model_version_list().filter(pk=version_id).first()
    if version is None or name not in PLOTS:
        raise Http404("No such plot.")
    path = _report_dir(version) / name
    if not path.is_file():
        raise Http404("No such plot.")
    return FileResponse(path.open("rb"), content_type="image/png")


@require_GET
@permission_required("appraisals.view_submission", raise_exception=True)
def sla_report(request: HttpRequest) -> HttpResponse:
    """The on-time rate and mean appraisal time, overall, per service tier and per member plan
    (as it was when each case was submitted)."""
    by_tier = sla_figures_by(group="tier")
    by_plan = sla_figures_by(group="member_plan")
    plans = {plan.code: plan.local_name for plan in Plan.objects.filter(code__in=by_plan)}
    plan_rows: list[tuple[str, SlaFigures]] = [
        (plans.get(code, code) if code else _("No plan"), figures)
        for code, figures in by_plan.items()
    ]
    context = {
        "overall": sla_figures(),
        "per_tier": [(tier.label, by_tier[tier.value]) for tier in Tier if tier.value in by_tier],
        "per_plan": plan_rows,
    }
    return render(request, "appraisals/staff/sla.html", context)
