"""Evaluation of the AI pre-screen: how often it misjudges, for which brands and slots, how
honest its probabilities are, and how much of the queue it could safely put in order.

The model and its inference live elsewhere; this module receives one plain ``EvalRecord`` per
screened image (ground truth from the dataset manifest, the model's outputs beside it) and
turns them into a JSON-serialisable report plus the plots that go with it. Publishing error
rates per brand is part of the platform's promise, so every group carries a Wilson confidence
interval: a brand with thirty images must show that its error rate is uncertain.

Definitions used throughout:

- An image is *flagged* (predicted counterfeit) when its counterfeit probability is at or
  above the decision threshold. Accuracy, the confusion matrix, precision, recall and F1 are
  taken at that threshold; the misjudgement rate is ``1 - accuracy``.
- AUROC is the Mann-Whitney statistic on mid-ranks: the chance that a random counterfeit
  scores above a random authentic image, ties counting one half. It is ``None`` when a group
  holds one class only.
- Calibration is judged on the counterfeit probability itself, in 15 equal-width bins over
  [0, 1] (a probability of exactly 1 goes in the last bin). In each bin *confidence* is the
  mean predicted counterfeit probability and *accuracy* is the share of the bin that really is
  counterfeit, i.e. how often the claim "counterfeit with probability p" came true. ECE is the
  count-weighted mean of ``|accuracy - confidence|`` over the bins, MCE its maximum.

Python floats, ints, strings, lists, dicts and ``None`` are the only values in the report, so
it goes to JSON as it is. Plots are drawn on matplotlib's Agg canvas directly, without pyplot,
so nothing global (backend, rcParams, open figures) is touched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from ml.features import SCREENED_SLOTS, SLOT_FEATURES, VISUAL_FEATURES

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Box = tuple[float, float, float, float]
Metrics = dict[str, object]

RELIABILITY_BINS = 15
# Two-sided 95% normal quantile, to full precision so intervals match published tables.
WILSON_Z = 1.959963984540054
# Deviation magnitude buckets: subtle < 0.33 <= medium < 0.66 <= blatant. Magnitudes never
# exceed 1, so the last bucket includes its upper bound.
MAGNITUDE_BUCKETS: tuple[tuple[str, float, float], ...] = (
    ("subtle", 0.0, 0.33),
    ("medium", 0.33, 0.66),
    ("blatant", 0.66, 1.0),
)
# Fewer routed cases than this and a 99% precision is luck, not evidence.
MIN_ROUTING_SUPPORT = 20
# Heatmaps come from the backbone's coarse feature grid, so their peak is only known to about
# one grid cell; a peak this close (as a fraction of the image side) to a box still counts.
POINTING_MARGIN = 0.05
# Probabilities are clipped this far from 0 and 1 for the log loss, so one confident mistake
# costs a large but finite amount instead of making the whole figure infinite.
LOG_LOSS_EPSILON = 1e-15

_PLOT_DPI = 120
_AUTHENTIC_COLOUR = "#4c72b0"
_COUNTERFEIT_COLOUR = "#c44e52"
_BUCKET_COLOURS = {"subtle": "#8172b2", "medium": "#dd8452", "blatant": "#c44e52"}


@dataclass(frozen=True)
class EvalRecord:
    """One screened image: ground truth from the manifest and what the model said about it."""

    path: str
    slot: str
    brand: str
    category: str
    label: int  # 1 = counterfeit, 0 = authentic (ground truth)
    probability: float  # calibrated counterfeit probability
    feature_scores: dict[str, float]  # the model's score for each visual feature of the slot
    deviations: dict[str, float]  # ground truth: feature -> magnitude in (0, 1]
    heatmap_peak: tuple[float, float] | None = None  # (x, y) as fractions of the image
    regions: dict[str, Box] = field(default_factory=dict)  # ground-truth box per deviation

    def __post_init__(self) -> None:
        if self.label not in (0, 1):
            raise ValueError(f"{self.path}: label must be 0 or 1, not {self.label!r}.")
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"{self.path}: probability {self.probability!r} is not in [0, 1].")


def auroc(labels: ArrayLike, scores: ArrayLike) -> float | None:
    """Area under the ROC curve from mid-ranks; ``None`` unless both classes are present."""
    truth = np.asarray(labels, dtype=bool)
    values = np.asarray(scores, dtype=np.float64)
    n_positive = int(truth.sum())
    n_negative = truth.size - n_positive
    if n_positive == 0 or n_negative == 0:
        return None
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    # Tied scores share the mean of the ranks they occupy, which scores each tied
    # counterfeit/authentic pair as one half.
    mid_ranks = np.cumsum(counts) - (counts - 1) / 2.0
    rank_sum = float(mid_ranks[inverse][truth].sum())
    return (rank_sum - n_positive * (n_positive + 1) / 2.0) / (n_positive * n_negative)


def wilson_interval(successes: int, n: int, z: float = WILSON_Z) -> tuple[float, float] | None:
    """Wilson score interval for a proportion ``successes / n``; ``None`` for an empty group.

    Unlike the normal approximation it stays inside [0, 1] and does not collapse to a point
    when a small group happens to have no errors at all.
    """
    if n == 0:
        return None
    share = successes / n
    z2 = z * z
    centre = (share + z2 / (2 * n)) / (1 + z2 / n)
    half_width = z / (1 + z2 / n) * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def evaluate(
    records: Sequence[EvalRecord],
    *,
    threshold: float = 0.5,
    target_precision: float = 0.99,
    min_routing_support: int = MIN_ROUTING_SUPPORT,
) -> dict[str, object]:
    """Score the pre-screen on ``records``; see the module docstring for the definitions.

    ``auto_routing`` answers "how much of the queue could be put in order with confidence":

    - counterfeit side: ``t_hi`` is the lowest score such that, among the cases scoring
      ``p >= t_hi``, the share that really is counterfeit is at least ``target_precision``,
      with at least ``min_routing_support`` such cases. Cuts are only made between different
      scores, so tied cases always fall on the same side.
    - authentic side: ``t_lo`` is the highest score such that, among the cases scoring
      ``p <= t_lo``, the share that really is authentic is at least ``target_precision``, with
      the same minimum support.
    - coverage is the share of all cases on a side; the combined coverage is the share of cases
      on either side (counted once). A side without a qualifying cut reports a ``None``
      threshold and precision and a coverage of 0.

    These thresholds only set a case's priority and how deep the expert's review goes; the AI
    never issues the verdict, an expert does, on every case.
    """
    if not records:
        raise ValueError("Nothing to evaluate: no records.")
    labels = np.array([r.label for r in records], dtype=bool)
    probabilities = np.array([r.probability for r in records], dtype=np.float64)
    reliability = _reliability_table(labels, probabilities)

    brands = sorted({r.brand for r in records})
    slots = _slot_order({r.slot for r in records})
    per_brand_slot: dict[str, dict[str, Metrics]] = {}
    for brand in brands:
        in_brand = [r for r in records if r.brand == brand]
        per_brand_slot[brand] = {
            slot: _group_metrics([r for r in in_brand if r.slot == slot], threshold)
            for slot in slots
            if any(r.slot == slot for r in in_brand)
        }

    return {
        "settings": {
            "threshold": threshold,
            "target_precision": target_precision,
            "min_routing_support": min_routing_support,
            "reliability_bins": RELIABILITY_BINS,
            "pointing_margin": POINTING_MARGIN,
            "magnitude_buckets": {name: [low, high] for name, low, high in MAGNITUDE_BUCKETS},
        },
        "overall": _overall_metrics(labels, probabilities, threshold, reliability),
        "per_brand": {
            brand: _group_metrics([r for r in records if r.brand == brand], threshold)
            for brand in brands
        },
        "per_slot": {
            slot: _group_metrics([r for r in records if r.slot == slot], threshold)
            for slot in slots
        },
        "per_brand_slot": per_brand_slot,
        "per_feature": {
            feature: _feature_metrics(records, feature, threshold) for feature in VISUAL_FEATURES
        },
        "auto_routing": _auto_routing(labels, probabilities, target_precision, min_routing_support),
        "localisation": _localisation(records),
        "reliability": reliability,
    }


def write_report(
    report: dict[str, object], records: Sequence[EvalRecord], out_dir: Path
) -> list[Path]:
    """Write ``metrics.json`` and the plots into ``out_dir``; return the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    metrics_path = out_dir / "metrics.json"
    metrics_path.write_text(json.dumps(report, indent=2, allow_nan=False) + "\n")
    plots = {
        "reliability.png": _plot_reliability(report),
        "confusion.png": _plot_confusion(report),
        "roc.png": _plot_roc(records),
        "error_by_brand.png": _plot_error_rates(report, "per_brand", "brand"),
        "error_by_slot.png": _plot_error_rates(report, "per_slot", "slot"),
        "feature_auroc.png": _plot_features(report),
    }
    written = [metrics_path]
    for name, figure in plots.items():
        path = out_dir / name
        figure.savefig(path, dpi=_PLOT_DPI)
        written.append(path)
    return written


# --- metrics -------------------------------------------------------------------------------


def _slot_order(slots: set[str]) -> list[str]:
    known = [slot for slot in SCREENED_SLOTS if slot in slots]
    return known + sorted(slots - set(known))


def _group_metrics(records: Sequence[EvalRecord], threshold: float) -> Metrics:
    labels = np.array([r.label for r in records], dtype=bool)
    probabilities = np.array([r.probability for r in records], dtype=np.float64)
    return _core_metrics(labels, probabilities, threshold)


def _core_metrics(labels: BoolArray, probabilities: FloatArray, threshold: float) -> Metrics:
    errors = int(((probabilities >= threshold) != labels).sum())
    n = labels.size
    interval = wilson_interval(errors, n)
    return {
        "n": n,
        "n_counterfeit": int(labels.sum()),
        "n_errors": errors,
        "accuracy": 1.0 - errors / n,
        "misjudgement_rate": errors / n,
        "misjudgement_ci95": None if interval is None else list(interval),
        "auroc": auroc(labels, probabilities),
    }


def _overall_metrics(
    labels: BoolArray, probabilities: FloatArray, threshold: float, reliability: list[Metrics]
) -> Metrics:
    flagged = probabilities >= threshold
    tp = int((flagged & labels).sum())
    fp = int((flagged & ~labels).sum())
    tn = int((~flagged & ~labels).sum())
    fn = int((~flagged & labels).sum())
    n = labels.size
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1: float | None
    if precision is None or recall is None:
        f1 = None
    else:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    clipped = np.clip(probabilities, LOG_LOSS_EPSILON, 1.0 - LOG_LOSS_EPSILON)
    log_loss = -float(np.mean(np.where(labels, np.log(clipped), np.log1p(-clipped))))
    gaps = [
        abs(cast(float, row["accuracy"]) - cast(float, row["confidence"]))
        for row in reliability
        if row["count"]
    ]
    weights = [cast(int, row["count"]) / n for row in reliability if row["count"]]
    return {
        **_core_metrics(labels, probabilities, threshold),
        "log_loss": log_loss,
        "brier": float(np.mean((probabilities - labels) ** 2)),
        "ece": float(sum(w * g for w, g in zip(weights, gaps, strict=True))),
        "mce": max(gaps),
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def _reliability_table(labels: BoolArray, probabilities: FloatArray) -> list[Metrics]:
    bins = np.minimum((probabilities * RELIABILITY_BINS).astype(int), RELIABILITY_BINS - 1)
    table: list[Metrics] = []
    for index in range(RELIABILITY_BINS):
        members = bins == index
        count = int(members.sum())
        table.append(
            {
                "lower": index / RELIABILITY_BINS,
                "upper": (index + 1) / RELIABILITY_BINS,
                "count": count,
                "confidence": float(probabilities[members].mean()) if count else None,
                "accuracy": float(labels[members].mean()) if count else None,
            }
        )
    return table


def _feature_metrics(records: Sequence[EvalRecord], feature: str, threshold: float) -> Metrics:
    """How well one feature head ranks its own deviation, and how often deviations get flagged.

    Only images of slots on which the feature can deviate, and that carry a score for it, take
    part. The per-bucket detection rate is image-level (the case gets flagged at the decision
    threshold, whatever the feature head said); the per-bucket AUROC is the feature head's own
    score, deviating at that magnitude against not deviating in this feature at all.
    """
    slots = [slot for slot, features in SLOT_FEATURES.items() if feature in features]
    scored = [r for r in records if r.slot in slots and feature in r.feature_scores]
    scores = np.array([r.feature_scores[feature] for r in scored], dtype=np.float64)
    magnitudes = np.array([r.deviations.get(feature, 0.0) for r in scored], dtype=np.float64)
    flagged = np.array([r.probability >= threshold for r in scored], dtype=bool)
    deviating = magnitudes > 0
    by_magnitude: dict[str, Metrics] = {}
    for name, low, high in MAGNITUDE_BUCKETS:
        below_top = magnitudes <= high if high == MAGNITUDE_BUCKETS[-1][2] else magnitudes < high
        in_bucket = deviating & (magnitudes >= low) & below_top
        n = int(in_bucket.sum())
        detected = int((flagged & in_bucket).sum())
        interval = wilson_interval(detected, n)
        contrast = in_bucket | ~deviating
        by_magnitude[name] = {
            "n": n,
            "detected": detected,
            "detection_rate": detected / n if n else None,
            "detection_ci95": None if interval is None else list(interval),
            "feature_auroc": auroc(in_bucket[contrast], scores[contrast]),
        }
    return {
        "slots": slots,
        "n": len(scored),
        "n_deviating": int(deviating.sum()),
        "auroc": auroc(deviating, scores),
        "by_magnitude": by_magnitude,
    }


def _auto_routing(
    labels: BoolArray, probabilities: FloatArray, target_precision: float, min_support: int
) -> Metrics:
    counterfeit = _routing_side(labels, probabilities, target_precision, min_support, from_top=True)
    authentic = _routing_side(~labels, probabilities, target_precision, min_support, from_top=False)
    routed = np.zeros(labels.size, dtype=bool)
    if counterfeit["threshold"] is not None:
        routed |= probabilities >= cast(float, counterfeit["threshold"])
    if authentic["threshold"] is not None:
        routed |= probabilities <= cast(float, authentic["threshold"])
    return {
        "target_precision": target_precision,
        "min_support": min_support,
        "counterfeit": counterfeit,
        "authentic": authentic,
        "combined_coverage": float(routed.mean()),
    }


def _routing_side(
    hits: BoolArray,
    scores: FloatArray,
    target_precision: float,
    min_support: int,
    *,
    from_top: bool,
) -> Metrics:
    """The widest band at one end of the scores whose cases are ``target_precision`` hits."""
    order = np.argsort(-scores if from_top else scores, kind="stable")
    ranked = scores[order]
    routed = np.arange(1, ranked.size + 1)
    correct = np.cumsum(hits[order])
    precision = correct / routed
    # A cut can only fall between two different scores; tied cases go the same way.
    at_score_change = np.append(ranked[1:] != ranked[:-1], True)
    qualifying = np.flatnonzero(
        at_score_change & (routed >= min_support) & (precision >= target_precision)
    )
    if qualifying.size == 0:
        return {"threshold": None, "coverage": 0.0, "n_routed": 0, "n_wrong": 0, "precision": None}
    cut = int(qualifying[-1])
    return {
        "threshold": float(ranked[cut]),
        "coverage": int(routed[cut]) / ranked.size,
        "n_routed": int(routed[cut]),
        "n_wrong": int(routed[cut] - correct[cut]),
        "precision": float(precision[cut]),
    }


def _localisation(records: Sequence[EvalRecord]) -> Metrics | None:
    """Pointing game over counterfeits that have both a heatmap peak and ground-truth boxes.

    A hit is a peak inside any of the image's deviation boxes grown by ``POINTING_MARGIN`` on
    every side. The baseline is what a uniformly random point would score: the mean area of the
    union of the same grown boxes (clipped to the image), so large boxes do not flatter the
    hit rate.
    """
    hits = 0
    chance: list[float] = []
    for record in records:
        if record.label != 1 or record.heatmap_peak is None or not record.regions:
            continue
        boxes = [_grown(box) for box in record.regions.values()]
        x, y = record.heatmap_peak
        hits += any(x0 <= x <= x1 and y0 <= y <= y1 for x0, y0, x1, y1 in boxes)
        chance.append(_union_area(boxes))
    if not chance:
        return None
    return {
        "n": len(chance),
        "hits": hits,
        "hit_rate": hits / len(chance),
        "random_baseline": float(np.mean(chance)),
        "margin": POINTING_MARGIN,
    }


def _grown(box: Box) -> Box:
    x0, y0, x1, y1 = box
    return (
        max(0.0, x0 - POINTING_MARGIN),
        max(0.0, y0 - POINTING_MARGIN),
        min(1.0, x1 + POINTING_MARGIN),
        min(1.0, y1 + POINTING_MARGIN),
    )


def _union_area(boxes: Sequence[Box]) -> float:
    # Overlapping boxes must not count twice: sum the cells of the grid their edges span that
    # some box covers.
    xs = sorted({edge for box in boxes for edge in (box[0], box[2])})
    ys = sorted({edge for box in boxes for edge in (box[1], box[3])})
    area = 0.0
    for left, right in zip(xs, xs[1:], strict=False):
        for bottom, top in zip(ys, ys[1:], strict=False):
            cx, cy = (left + right) / 2, (bottom + top) / 2
            if any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in boxes):
                area += (right - left) * (top - bottom)
    return area


def _roc_curve(labels: BoolArray, scores: FloatArray) -> tuple[FloatArray, FloatArray]:
    order = np.argsort(-scores, kind="stable")
    ranked = scores[order]
    at_score_change = np.append(ranked[1:] != ranked[:-1], True)
    true_positives = np.cumsum(labels[order])[at_score_change]
    false_positives = (np.flatnonzero(at_score_change) + 1) - true_positives
    fpr = np.concatenate([[0.0], false_positives / (~labels).sum()])
    tpr = np.concatenate([[0.0], true_positives / labels.sum()])
    return fpr, tpr


# --- plots ---------------------------------------------------------------------------------


def _section(report: dict[str, object], key: str) -> dict[str, object]:
    return cast(dict[str, object], report[key])


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _plot_reliability(report: dict[str, object]) -> Figure:
    rows = cast(list[dict[str, float | int | None]], report["reliability"])
    overall = _section(report, "overall")
    figure = _figure(6.5, 7.0)
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    width = 1.0 / RELIABILITY_BINS
    filled = [row for row in rows if row["count"]]
    lowers = [cast(float, row["lower"]) for row in filled]
    top.bar(
        lowers,
        [cast(float, row["accuracy"]) for row in filled],
        width=width,
        align="edge",
        color=_AUTHENTIC_COLOUR,
        edgecolor="white",
        label="share really counterfeit",
    )
    top.plot(
        [cast(float, row["confidence"]) for row in filled],
        [cast(float, row["confidence"]) for row in filled],
        "o",
        color=_COUNTERFEIT_COLOUR,
        label="mean predicted probability",
    )
    top.plot([0, 1], [0, 1], "--", color="grey", label="perfect calibration")
    top.set_xlim(0, 1)
    top.set_ylim(0, 1)
    top.set_ylabel("share counterfeit in bin")
    top.legend(loc="upper left")
    top.set_title(
        f"Reliability (n={overall['n']}, {RELIABILITY_BINS} bins)\n"
        f"ECE = {cast(float, overall['ece']):.3f}, MCE = {cast(float, overall['mce']):.3f}"
    )
    counts = [cast(int, row["count"]) for row in rows]
    bars = bottom.bar(
        [cast(float, row["lower"]) for row in rows],
        counts,
        width=width,
        align="edge",
        color="grey",
        edgecolor="white",
    )
    bottom.bar_label(bars, labels=[str(c) if c else "" for c in counts], fontsize=7)
    bottom.set_ylim(0, max(counts) * 1.25)
    bottom.set_xlabel("predicted counterfeit probability")
    bottom.set_ylabel("images per bin")
    return figure


def _plot_confusion(report: dict[str, object]) -> Figure:
    overall = _section(report, "overall")
    confusion = cast(dict[str, int], overall["confusion"])
    threshold = cast(float, _section(report, "settings")["threshold"])
    matrix = np.array(
        [[confusion["tn"], confusion["fp"]], [confusion["fn"], confusion["tp"]]], dtype=float
    )
    row_share = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    figure = _figure(5.5, 4.8)
    axes = figure.subplots()
    image = axes.imshow(row_share, cmap="Blues", vmin=0, vmax=1)
    for row in range(2):
        for column in range(2):
            share = row_share[row, column]
            axes.text(
                column,
                row,
                f"{int(matrix[row, column])}\n({share:.1%} of row)",
                ha="center",
                va="center",
                fontsize=12,
                color="white" if share > 0.6 else "black",
            )
    names = ["authentic", "counterfeit"]
    axes.set_xticks([0, 1], names)
    axes.set_yticks([0, 1], [f"{name}\n(n={int(matrix[i].sum())})" for i, name in enumerate(names)])
    axes.set_xlabel("predicted")
    axes.set_ylabel("ground truth")
    axes.set_title(
        f"Confusion at threshold {threshold:.2f} (n={overall['n']})\n"
        f"misjudgement rate {cast(float, overall['misjudgement_rate']):.1%}"
    )
    figure.colorbar(image, ax=axes, label="share of the true class")
    return figure


def _plot_roc(records: Sequence[EvalRecord]) -> Figure:
    figure = _figure(6.5, 6.0)
    axes = figure.subplots()
    groups: list[tuple[str, Sequence[EvalRecord]]] = [("overall", records)]
    for slot in _slot_order({r.slot for r in records}):
        groups.append((slot, [r for r in records if r.slot == slot]))
    for name, members in groups:
        labels = np.array([r.label for r in members], dtype=bool)
        scores = np.array([r.probability for r in members], dtype=np.float64)
        area = auroc(labels, scores)
        if area is None:
            axes.plot([], [], " ", label=f"{name} (n={len(members)}): one class only")
            continue
        fpr, tpr = _roc_curve(labels, scores)
        is_overall = name == "overall"
        axes.plot(
            fpr,
            tpr,
            color="black" if is_overall else None,
            linewidth=2.5 if is_overall else 1.2,
            label=f"{name} (n={len(members)}, AUROC {area:.3f})",
        )
    axes.plot([0, 1], [0, 1], ":", color="grey", label="chance")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.01)
    axes.set_aspect("equal")
    axes.set_xlabel("false positive rate (authentic flagged)")
    axes.set_ylabel("true positive rate (counterfeit flagged)")
    axes.set_title("ROC of the counterfeit probability, overall and per slot")
    axes.legend(loc="lower right", fontsize=8)
    return figure


def _plot_error_rates(report: dict[str, object], section: str, kind: str) -> Figure:
    threshold = cast(float, _section(report, "settings")["threshold"])
    metrics = {name: cast(Metrics, values) for name, values in _section(report, section).items()}
    # Worst group on top, where the eye starts.
    names = sorted(metrics, key=lambda name: cast(float, metrics[name]["misjudgement_rate"]))
    rates = np.array([cast(float, metrics[name]["misjudgement_rate"]) for name in names])
    intervals = np.array([cast(list[float], metrics[name]["misjudgement_ci95"]) for name in names])
    errors = np.clip(np.stack([rates - intervals[:, 0], intervals[:, 1] - rates]), 0, None)
    figure = _figure(7.5, 1.2 + 0.5 * len(names))
    axes = figure.subplots()
    positions = np.arange(len(names))
    axes.barh(positions, rates, color=_COUNTERFEIT_COLOUR, alpha=0.8)
    axes.errorbar(rates, positions, xerr=errors, fmt="none", ecolor="black", capsize=4)
    for position, name in zip(positions, names, strict=True):
        low, high = cast(list[float], metrics[name]["misjudgement_ci95"])
        axes.text(
            high + 0.005,
            float(position),
            f"{metrics[name]['misjudgement_rate']:.1%} [{low:.1%}, {high:.1%}]",
            va="center",
            fontsize=8,
        )
    overall_rate = cast(float, _section(report, "overall")["misjudgement_rate"])
    axes.axvline(overall_rate, linestyle="--", color="grey", label=f"overall {overall_rate:.1%}")
    axes.set_yticks(
        positions,
        [
            f"{name}\n(n={metrics[name]['n']}, {metrics[name]['n_counterfeit']} fake)"
            for name in names
        ],
    )
    axes.set_xlim(0, min(1.0, float(intervals[:, 1].max()) * 1.35 + 0.02))
    axes.set_xlabel(f"misjudgement rate at threshold {threshold:.2f} (95% Wilson interval)")
    axes.set_title(f"Misjudgement rate per {kind}")
    axes.legend(loc="lower right", fontsize=8)
    return figure


def _plot_features(report: dict[str, object]) -> Figure:
    per_feature = _section(report, "per_feature")
    features = {name: cast(Metrics, values) for name, values in per_feature.items()}
    names = list(features)
    positions = np.arange(len(names))
    figure = _figure(13.0, 1.5 + 0.55 * len(names))
    left, right = figure.subplots(1, 2, sharey=True)
    areas = [features[name]["auroc"] for name in names]
    left.barh(positions, [cast(float, a) if a is not None else 0.0 for a in areas], color="#55a868")
    for position, area in zip(positions, areas, strict=True):
        text = "n/a" if area is None else f"{cast(float, area):.3f}"
        left.text(
            (cast(float, area) if area is not None else 0.0) + 0.01,
            position,
            text,
            va="center",
            fontsize=8,
        )
    left.axvline(0.5, linestyle=":", color="grey", label="chance")
    left.set_xlim(0, 1.12)
    left.set_yticks(
        positions,
        [
            f"{name}\n(n={features[name]['n']}, {features[name]['n_deviating']} deviating)"
            for name in names
        ],
    )
    left.invert_yaxis()
    left.set_xlabel("AUROC of the feature score against 'this feature deviates'")
    left.set_title("Per-feature AUROC")
    left.legend(loc="lower right", fontsize=8)
    _plot_detection_by_magnitude(right, features, names, report)
    return figure


def _plot_detection_by_magnitude(
    axes: Axes, features: dict[str, Metrics], names: list[str], report: dict[str, object]
) -> None:
    threshold = cast(float, _section(report, "settings")["threshold"])
    height = 0.8 / len(MAGNITUDE_BUCKETS)
    for offset, (bucket, _, _) in enumerate(MAGNITUDE_BUCKETS):
        rows = [
            cast(Metrics, cast(Metrics, features[name]["by_magnitude"])[bucket]) for name in names
        ]
        positions = np.arange(len(names)) - 0.4 + height * (offset + 0.5)
        rates = np.array([cast(float, row["detection_rate"] or 0.0) for row in rows])
        intervals = [cast(list[float] | None, row["detection_ci95"]) for row in rows]
        spans = zip(rates, intervals, strict=True)
        errors = np.array([[r - i[0], i[1] - r] if i else [0.0, 0.0] for r, i in spans]).T
        axes.barh(positions, rates, height=height, color=_BUCKET_COLOURS[bucket], label=bucket)
        axes.errorbar(
            rates,
            positions,
            xerr=np.clip(errors, 0, None),
            fmt="none",
            ecolor="black",
            capsize=2,
            linewidth=0.8,
        )
        for position, row in zip(positions, rows, strict=True):
            axes.text(1.01, position, f"n={row['n']}", va="center", fontsize=7)
    axes.set_xlim(0, 1.12)
    axes.set_xlabel(f"share of deviating images flagged at threshold {threshold:.2f}")
    axes.set_title("Detection rate by deviation magnitude (95% Wilson interval)")
    # Below the axis: inside it the legend would hide the last feature's bars.
    axes.legend(
        title="deviation magnitude",
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=len(MAGNITUDE_BUCKETS),
        fontsize=8,
    )
