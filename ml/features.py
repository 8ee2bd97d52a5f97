"""The shared vocabulary of the pre-screen: which slots the classifier sees, and which
features of each slot it scores.

The generator, the manifest, the model's per-feature heads, the evaluation and the expert's
admin all use these names, so they live in one place.
"""

from __future__ import annotations

from pathlib import Path

FONTS_DIR = Path(__file__).resolve().parent / "fonts"

# Slot code (as in the catalog) -> the category it belongs to.
SCREENED_SLOTS: dict[str, str] = {
    "brand_stamp": "handbag",
    "stitching": "handbag",
    "hardware_engraving": "handbag",
    "date_code": "handbag",
    "dial": "watch",
    "caseback": "watch",
}

# Features the classifier scores from pixels. Each is one output of the model.
VISUAL_FEATURES: tuple[str, ...] = (
    "wordmark_spacing",  # kerning / letter spacing of a printed, stamped or engraved wordmark
    "wordmark_weight",  # stroke weight of the wordmark
    "letter_shape",  # wrong glyph shapes (another typeface)
    "stitch_pitch",  # uneven or wrong stitch spacing
    "stitch_slant",  # wrong stitch angle
    "engraving_depth",  # shallow engraving: low relief contrast
    "engraving_sharpness",  # blurry, rounded engraving edges
    "code_font",  # the serial/date code stamped in the wrong font or spacing
)
# Judged from the OCR reading by rules (ml/serials.py), not by the classifier.
RULE_FEATURES: tuple[str, ...] = ("serial_format",)

FEATURES: tuple[str, ...] = VISUAL_FEATURES + RULE_FEATURES

# Which features can deviate on each slot. A counterfeit image deviates in one or a few
# of its slot's features; the others stay at the brand's reference.
SLOT_FEATURES: dict[str, tuple[str, ...]] = {
    "brand_stamp": ("wordmark_spacing", "wordmark_weight", "letter_shape"),
    "stitching": ("stitch_pitch", "stitch_slant"),
    "hardware_engraving": ("engraving_depth", "engraving_sharpness", "wordmark_spacing"),
    "date_code": ("code_font", "serial_format"),
    "dial": ("wordmark_spacing", "wordmark_weight", "letter_shape"),
    "caseback": ("engraving_depth", "engraving_sharpness", "serial_format"),
}

LABELS: tuple[str, ...] = ("authentic", "counterfeit")
