"""Behaviour of the pre-screen evaluation on small cases whose answers can be worked out by hand.

Run with ``python -m pytest -p no:django ml/tests/test_evaluation.py -q``. The last test also
writes a sample report for a seeded synthetic set into ``test-artifacts/evaluation/`` so a
person can look at the plots.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from ml.evaluation import EvalRecord, auroc, evaluate, wilson_interval, write_report
from ml.features import SCREENED_SLOTS, SLOT_FEATURES, VISUAL_FEATURES

ARTIFACT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "evaluation"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
HANDBAG_BRANDS = ("Chanel", "Hermès", "Louis Vuitton", "Gucci", "Cartier")
WATCH_BRANDS = ("Cartier", "Rolex", "Omega", "Patek Philippe")


def _record(
    label: int,
    probability: float,
    *,
    brand: str = "Chanel",
    slot: str = "brand_stamp",
    feature_scores: dict[str, float] | None = None,
    deviations: dict[str, float] | None = None,
    heatmap_peak: tuple[float, float] | None = None,
    regions: dict[str, tuple[float, float, float, float]] | None = None,
) -> EvalRecord:
    return EvalRecord(
        path=f"{slot}/{'counterfeit' if label else 'authentic'}/{slot}-{probability:.6f}.jpg",
        slot=slot,
        brand=brand,
        category=SCREENED_SLOTS[slot],
        label=label,
        probability=probability,
        feature_scores=feature_scores or {},
        deviations=deviations or {},
        heatmap_peak=heatmap_peak,
        regions=regions or {},
    )


def _records(pairs: list[tuple[int, float]]) -> list[EvalRecord]:
    return [_record(label, probability) for label, probability in pairs]


# --- AUROC -----------------------------------------------------------------------------------


def test_it_gives_the_known_auroc_of_a_small_example() -> None:
    # Of the four counterfeit/authentic pairs only (0.35 vs 0.4) is ordered wrongly.
    assert auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)


def test_it_counts_a_tied_pair_as_half_a_correct_ordering() -> None:
    # Pairs: both 0.6 counterfeits beat 0.2 and tie the authentic 0.6 (1.5 each), 0.9 beats
    # both authentic images (2): 5 of 6.
    assert auroc([0, 0, 1, 1, 1], [0.2, 0.6, 0.6, 0.6, 0.9]) == pytest.approx(5 / 6)


def test_it_gives_one_half_for_constant_scores() -> None:
    assert auroc([0, 1, 0, 1, 1], [0.3] * 5) == pytest.approx(0.5)


def test_it_gives_one_for_perfect_separation_and_zero_for_the_reverse() -> None:
    assert auroc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(1.0)
    assert auroc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9]) == pytest.approx(0.0)


def test_it_has_no_auroc_when_a_group_holds_one_class_only() -> None:
    assert auroc([1, 1, 1], [0.2, 0.5, 0.9]) is None
    report = evaluate(_records([(0, 0.1), (0, 0.7)]))
    assert report["overall"]["auroc"] is None  # type: ignore[index]


# --- calibration -----------------------------------------------------------------------------


def test_it_gives_zero_ece_when_every_bin_is_perfectly_calibrated() -> None:
    # p = 0.3 with 3 counterfeits in 10, p = 0.9 with 9 in 10.
    pairs = [(int(i < 3), 0.3) for i in range(10)] + [(int(i < 9), 0.9) for i in range(10)]
    overall = evaluate(_records(pairs))["overall"]
    assert overall["ece"] == pytest.approx(0.0, abs=1e-12)  # type: ignore[index]
    assert overall["mce"] == pytest.approx(0.0, abs=1e-12)  # type: ignore[index]


def test_it_weights_each_bins_calibration_gap_by_its_share_of_images() -> None:
    # 4 images at 0.8, all counterfeit (gap 0.2); 6 at 0.1, none counterfeit (gap 0.1):
    # ECE = 0.4 * 0.2 + 0.6 * 0.1 = 0.14, MCE = 0.2.
    report = evaluate(_records([(1, 0.8)] * 4 + [(0, 0.1)] * 6))
    assert report["overall"]["ece"] == pytest.approx(0.14)  # type: ignore[index]
    assert report["overall"]["mce"] == pytest.approx(0.2)  # type: ignore[index]
    table = report["reliability"]
    assert isinstance(table, list) and len(table) == 15
    filled = {row["lower"]: row for row in table if row["count"]}
    assert sorted(filled) == pytest.approx([1 / 15, 12 / 15])
    low, high = filled[min(filled)], filled[max(filled)]
    assert (low["count"], low["confidence"], low["accuracy"]) == (6, pytest.approx(0.1), 0.0)
    assert (high["count"], high["confidence"], high["accuracy"]) == (4, pytest.approx(0.8), 1.0)


def test_it_puts_a_probability_of_one_in_the_last_bin() -> None:
    table = evaluate(_records([(1, 1.0), (0, 0.0)]))["reliability"]
    assert table[-1]["count"] == 1 and table[0]["count"] == 1  # type: ignore[index]


# --- Wilson interval -------------------------------------------------------------------------


def test_it_matches_the_published_wilson_interval_for_two_errors_in_ten() -> None:
    # Newcombe (1998), table I: 2/10 -> 0.0567 to 0.5098.
    low, high = wilson_interval(2, 10) or (math.nan, math.nan)
    assert low == pytest.approx(0.0567, abs=1e-4)
    assert high == pytest.approx(0.5098, abs=1e-4)


def test_it_keeps_uncertainty_for_a_small_group_without_errors() -> None:
    # With no errors the interval is [0, z^2 / (n + z^2)], not a point at zero.
    z2 = 1.959963984540054**2
    assert wilson_interval(0, 20) == (0.0, pytest.approx(z2 / (20 + z2)))
    assert wilson_interval(0, 0) is None


# --- decisions at the threshold --------------------------------------------------------------


def test_it_builds_the_confusion_matrix_and_scores_at_the_threshold() -> None:
    pairs = [(1, 0.9), (1, 0.6), (1, 0.4), (0, 0.2), (0, 0.7), (0, 0.1)]
    overall = evaluate(_records(pairs))["overall"]
    assert overall["confusion"] == {"tp": 2, "fp": 1, "tn": 2, "fn": 1}  # type: ignore[index]
    assert overall["accuracy"] == pytest.approx(4 / 6)  # type: ignore[index]
    assert overall["misjudgement_rate"] == pytest.approx(2 / 6)  # type: ignore[index]
    for key in ("precision", "recall", "f1"):
        assert overall[key] == pytest.approx(2 / 3)  # type: ignore[index]
    squared = [0.1**2, 0.4**2, 0.6**2, 0.2**2, 0.7**2, 0.1**2]
    assert overall["brier"] == pytest.approx(sum(squared) / 6)  # type: ignore[index]
    likelihoods = [0.9, 0.6, 0.4, 0.8, 0.3, 0.9]
    expected_log_loss = -sum(math.log(p) for p in likelihoods) / 6
    assert overall["log_loss"] == pytest.approx(expected_log_loss)  # type: ignore[index]


def test_it_flags_a_probability_equal_to_the_threshold_as_counterfeit() -> None:
    overall = evaluate(_records([(1, 0.7), (0, 0.2)]), threshold=0.7)["overall"]
    assert overall["confusion"] == {"tp": 1, "fp": 0, "tn": 1, "fn": 0}  # type: ignore[index]


def test_it_reports_undefined_precision_when_nothing_is_flagged() -> None:
    overall = evaluate(_records([(1, 0.2), (0, 0.1)]))["overall"]
    assert (overall["precision"], overall["recall"], overall["f1"]) == (None, 0.0, None)  # type: ignore[index]


# --- groups ----------------------------------------------------------------------------------


def test_it_reports_error_rates_per_brand_per_slot_and_per_brand_and_slot() -> None:
    records = [
        _record(1, 0.9, brand="Chanel", slot="brand_stamp"),
        _record(0, 0.8, brand="Chanel", slot="brand_stamp"),  # wrong
        _record(0, 0.1, brand="Chanel", slot="brand_stamp"),
        _record(1, 0.3, brand="Chanel", slot="stitching"),  # wrong
        _record(0, 0.2, brand="Chanel", slot="stitching"),
        *[_record(i % 2, 0.9 if i % 2 else 0.1, brand="Rolex", slot="dial") for i in range(4)],
    ]
    report = evaluate(records)
    chanel = report["per_brand"]["Chanel"]  # type: ignore[index]
    assert (chanel["n"], chanel["n_counterfeit"], chanel["n_errors"]) == (5, 2, 2)
    assert chanel["misjudgement_rate"] == pytest.approx(0.4)
    assert chanel["accuracy"] == pytest.approx(0.6)
    assert chanel["misjudgement_ci95"] == pytest.approx(list(wilson_interval(2, 5) or ()))
    # Counterfeits 0.9 and 0.3 against authentic 0.8, 0.1, 0.2: only 0.3 < 0.8 is out of order.
    assert chanel["auroc"] == pytest.approx(5 / 6)
    rolex = report["per_brand"]["Rolex"]  # type: ignore[index]
    assert (rolex["n"], rolex["n_errors"], rolex["auroc"]) == (4, 0, 1.0)
    assert list(report["per_slot"]) == ["brand_stamp", "stitching", "dial"]  # type: ignore[arg-type]
    assert report["per_slot"]["stitching"]["n_errors"] == 1  # type: ignore[index]
    per_brand_slot = report["per_brand_slot"]
    assert set(per_brand_slot["Chanel"]) == {"brand_stamp", "stitching"}  # type: ignore[index]
    assert set(per_brand_slot["Rolex"]) == {"dial"}  # type: ignore[index]
    assert per_brand_slot["Chanel"]["brand_stamp"]["n_errors"] == 1  # type: ignore[index]


# --- per feature -----------------------------------------------------------------------------


def test_it_scores_each_feature_on_the_slots_where_it_can_deviate() -> None:
    def stamp(label: int, probability: float, score: float, **deviations: float) -> EvalRecord:
        return _record(
            label,
            probability,
            feature_scores={"wordmark_spacing": score},
            deviations=deviations,
        )

    records = [
        stamp(0, 0.1, 0.1),
        stamp(1, 0.4, 0.3, wordmark_spacing=0.32),  # subtle, missed
        stamp(1, 0.8, 0.7, wordmark_spacing=0.33),  # medium, flagged
        stamp(1, 0.95, 0.9, wordmark_spacing=1.0),  # blatant, flagged
        stamp(1, 0.9, 0.2, letter_shape=0.8),  # deviates, but not in this feature
        _record(0, 0.2, slot="hardware_engraving", feature_scores={"wordmark_spacing": 0.4}),
        # Stitching has no wordmark: a stray score there must be ignored.
        _record(
            1,
            0.9,
            slot="stitching",
            feature_scores={"wordmark_spacing": 0.99},
            deviations={"stitch_pitch": 0.5},
        ),
    ]
    per_feature = evaluate(records)["per_feature"]
    assert set(per_feature) == set(VISUAL_FEATURES)  # type: ignore[arg-type]
    spacing = per_feature["wordmark_spacing"]  # type: ignore[index]
    assert (spacing["n"], spacing["n_deviating"]) == (6, 3)
    # Deviating 0.3, 0.7, 0.9 against 0.1, 0.2, 0.4: 8 of 9 pairs in order.
    assert spacing["auroc"] == pytest.approx(8 / 9)
    buckets = spacing["by_magnitude"]
    assert [buckets[b]["n"] for b in ("subtle", "medium", "blatant")] == [1, 1, 1]
    assert [buckets[b]["detected"] for b in ("subtle", "medium", "blatant")] == [0, 1, 1]
    assert buckets["subtle"]["detection_rate"] == 0.0
    assert buckets["subtle"]["feature_auroc"] == pytest.approx(2 / 3)
    assert buckets["blatant"]["feature_auroc"] == pytest.approx(1.0)
    assert per_feature["code_font"]["n"] == 0  # type: ignore[index]
    assert per_feature["code_font"]["auroc"] is None  # type: ignore[index]


# --- auto-routing ----------------------------------------------------------------------------


def _routing_case() -> list[EvalRecord]:
    """40 counterfeits at 0.60-0.99, one authentic at 0.795 among them, 59 authentic below.

    Counterfeit side: only the 20 counterfeits at 0.80-0.99 are pure; adding the authentic at
    0.795 drops precision to 20/21. Authentic side: the 59 cases at 0.01-0.59 are pure; the
    counterfeit at 0.60 drops it to 59/60.
    """
    counterfeits = [(1, round(0.60 + 0.01 * i, 2)) for i in range(40)]
    authentic = [(0, round(0.01 * i, 2)) for i in range(1, 60)] + [(0, 0.795)]
    return _records(counterfeits + authentic)


def test_it_finds_the_widest_bands_that_meet_the_target_precision() -> None:
    routing = evaluate(_routing_case(), target_precision=0.99)["auto_routing"]
    counterfeit = routing["counterfeit"]  # type: ignore[index]
    authentic = routing["authentic"]  # type: ignore[index]
    assert counterfeit["threshold"] == pytest.approx(0.80)
    assert (counterfeit["n_routed"], counterfeit["coverage"]) == (20, pytest.approx(0.20))
    assert (counterfeit["precision"], counterfeit["n_wrong"]) == (1.0, 0)
    assert authentic["threshold"] == pytest.approx(0.59)
    assert (authentic["n_routed"], authentic["coverage"]) == (59, pytest.approx(0.59))
    assert routing["combined_coverage"] == pytest.approx(0.79)  # type: ignore[index]


def test_it_routes_nothing_on_a_side_without_enough_support() -> None:
    routing = evaluate(_routing_case(), min_routing_support=21)["auto_routing"]
    counterfeit = routing["counterfeit"]  # type: ignore[index]
    assert (counterfeit["threshold"], counterfeit["precision"]) == (None, None)
    assert counterfeit["coverage"] == 0.0
    assert routing["authentic"]["n_routed"] == 59  # type: ignore[index]
    assert routing["combined_coverage"] == pytest.approx(0.59)  # type: ignore[index]


def test_it_never_splits_tied_scores_to_reach_the_target() -> None:
    # 20 counterfeits and one authentic all at 0.9: taking the counterfeits alone would be
    # pure, but nothing tells them apart from the authentic one.
    records = _records([(1, 0.9)] * 20 + [(0, 0.9)] + [(0, 0.1)] * 30)
    routing = evaluate(records)["auto_routing"]
    assert routing["counterfeit"]["threshold"] is None  # type: ignore[index]
    assert routing["authentic"]["threshold"] == pytest.approx(0.1)  # type: ignore[index]


# --- localisation ----------------------------------------------------------------------------


def test_it_plays_the_pointing_game_against_a_random_point_baseline() -> None:
    box = (0.2, 0.2, 0.4, 0.4)
    records = [
        _record(1, 0.9, heatmap_peak=(0.3, 0.3), regions={"wordmark_spacing": box}),
        # 0.03 right of the box: inside the 0.05 margin.
        _record(1, 0.9, heatmap_peak=(0.43, 0.3), regions={"wordmark_spacing": box}),
        _record(
            1,
            0.9,
            heatmap_peak=(0.5, 0.5),
            regions={
                "wordmark_spacing": (0.0, 0.0, 0.1, 0.1),
                "letter_shape": (0.6, 0.6, 0.9, 0.9),
            },
        ),
        # Neither an authentic image nor a counterfeit without a heatmap takes part.
        _record(0, 0.1, heatmap_peak=(0.3, 0.3)),
        _record(1, 0.9, regions={"wordmark_spacing": box}),
    ]
    localisation = evaluate(records)["localisation"]
    assert (localisation["n"], localisation["hits"]) == (3, 2)  # type: ignore[index]
    assert localisation["hit_rate"] == pytest.approx(2 / 3)  # type: ignore[index]
    # Grown boxes: 0.3 x 0.3 twice; 0.15 x 0.15 (clipped at the corner) plus 0.4 x 0.4.
    expected = (0.09 + 0.09 + (0.0225 + 0.16)) / 3
    assert localisation["random_baseline"] == pytest.approx(expected)  # type: ignore[index]


def test_it_counts_overlapping_boxes_once_in_the_baseline() -> None:
    regions = {"wordmark_spacing": (0.1, 0.1, 0.5, 0.5), "letter_shape": (0.3, 0.3, 0.7, 0.7)}
    localisation = evaluate([_record(1, 0.9, heatmap_peak=(0.9, 0.9), regions=regions)])[
        "localisation"
    ]
    # Grown to 0.5 x 0.5 each, overlapping in 0.3 x 0.3.
    assert localisation["random_baseline"] == pytest.approx(0.25 + 0.25 - 0.09)  # type: ignore[index]
    assert localisation["hits"] == 0  # type: ignore[index]


def test_it_leaves_localisation_out_without_heatmaps() -> None:
    assert evaluate(_records([(1, 0.9), (0, 0.1)]))["localisation"] is None


# --- inputs and output -----------------------------------------------------------------------


def test_it_refuses_records_that_are_not_a_probability_or_a_label() -> None:
    with pytest.raises(ValueError, match="probability"):
        _record(1, 1.5)
    with pytest.raises(ValueError, match="label"):
        _record(2, 0.5)
    with pytest.raises(ValueError, match="no records"):
        evaluate([])


def _synthetic_records(seed: int = 7) -> list[EvalRecord]:
    """A seeded stand-in for a model run: fakes are caught more easily the larger they deviate,
    some brands are harder than others, and heatmaps mostly land on the deviation."""
    rng = np.random.default_rng(seed)
    difficulty = {"Chanel": 0.8, "Hermès": 1.6, "Louis Vuitton": 1.0, "Gucci": 1.2}
    difficulty |= {"Cartier": 1.4, "Rolex": 0.9, "Omega": 1.1, "Patek Philippe": 2.0}
    records: list[EvalRecord] = []
    for slot, category in SCREENED_SLOTS.items():
        brands = HANDBAG_BRANDS if category == "handbag" else WATCH_BRANDS
        visual = [f for f in SLOT_FEATURES[slot] if f in VISUAL_FEATURES]
        for brand in brands:
            for _ in range(int(rng.integers(25, 60))):
                label = int(rng.random() < 0.5)
                deviations: dict[str, float] = {}
                if label:
                    count = min(len(visual), 1 + int(rng.random() < 0.25))
                    for feature in rng.choice(visual, size=count, replace=False):
                        deviations[str(feature)] = float(rng.uniform(0.05, 1.0))
                strength = max(deviations.values(), default=0.0)
                logit = -2.5 + 6.0 * strength + rng.normal(0, difficulty[brand])
                scores = {
                    f: float(1 / (1 + np.exp(2 - 5 * deviations.get(f, 0.0) - rng.normal())))
                    for f in visual
                }
                regions: dict[str, tuple[float, float, float, float]] = {}
                for feature in deviations:
                    x0, y0 = rng.uniform(0.05, 0.6, size=2)
                    w, h = rng.uniform(0.1, 0.3, size=2)
                    regions[feature] = (float(x0), float(y0), float(x0 + w), float(y0 + h))
                peak = None
                if regions:
                    x0, y0, x1, y1 = next(iter(regions.values()))
                    near = rng.random() < 0.8
                    peak = (
                        (float((x0 + x1) / 2), float((y0 + y1) / 2))
                        if near
                        else (float(rng.random()), float(rng.random()))
                    )
                records.append(
                    EvalRecord(
                        path=f"{slot}/{'counterfeit' if label else 'authentic'}/"
                        f"{slot}-{len(records):06d}.jpg",
                        slot=slot,
                        brand=brand,
                        category=category,
                        label=label,
                        probability=float(1 / (1 + np.exp(-logit))),
                        feature_scores=scores,
                        deviations=deviations,
                        heatmap_peak=peak,
                        regions=regions,
                    )
                )
    return records


def test_it_produces_a_report_that_survives_a_json_round_trip() -> None:
    report = evaluate(_synthetic_records())
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text) == report
    assert set(report) >= {
        "overall",
        "per_brand",
        "per_slot",
        "per_brand_slot",
        "per_feature",
        "auto_routing",
        "localisation",
        "reliability",
    }


def test_it_writes_the_metrics_and_every_plot() -> None:
    records = _synthetic_records()
    report = evaluate(records)
    written = write_report(report, records, ARTIFACT_DIR)
    names = {path.name for path in written}
    assert names == {
        "metrics.json",
        "reliability.png",
        "confusion.png",
        "roc.png",
        "error_by_brand.png",
        "error_by_slot.png",
        "feature_auroc.png",
    }
    for path in written:
        assert path.parent == ARTIFACT_DIR and path.stat().st_size > 0
        if path.suffix == ".png":
            assert path.read_bytes()[:8] == PNG_SIGNATURE
    assert json.loads((ARTIFACT_DIR / "metrics.json").read_text()) == report
