"""Reference specifications of the brands in the synthetic authentication world.

These are SYNTHETIC specifications invented for a demonstration dataset. They are not real
brand data: no value here was measured on, or is meant to describe, a real product, and the
typefaces are the freely licensed fonts vendored in ``ml/fonts``. They only have to make the
brands look different from each other, so that per-brand metrics mean something, and give
each feature a reference value that a counterfeit can depart from.

Lengths are fractions of the rendered frame's width unless a field says otherwise, so a
specification means the same thing at every image size. Colours are sRGB triples.
"""

from __future__ import annotations

from dataclasses import dataclass

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class WordmarkSpec:
    """A brand name as it is stamped, engraved or printed.

    The last three fields describe how a counterfeit was made; they are zero / ``None`` on
    every reference specification.
    """

    text: str
    typeface: str  # file stem of a font in ml/fonts
    letter_spacing_em: float  # tracking added between letters, in ems of the font size
    cap_height: float  # height of a capital letter, as a fraction of the frame
    stroke_weight: float  # extra stroke around each glyph outline, as a fraction of cap height
    kerning_jitter_em: float = 0.0  # irregular pair spacing, standard deviation in ems
    lookalike: str | None = None  # the similar typeface a counterfeiter used instead
    shape_blend: float = 0.0  # 0 = the reference glyphs, 1 = fully the look-alike's glyphs


@dataclass(frozen=True)
class StitchSpec:
    """A row of saddle stitches along a seam."""

    pitch: float  # distance between stitch centres, as a fraction of the frame
    slant_deg: float  # angle of each stitch against the seam
    thread: RGB
    thread_width: float  # thread diameter, as a fraction of the frame
    pitch_jitter: float  # standard deviation of stitch positions, as a fraction of the pitch


@dataclass(frozen=True)
class EngravingSpec:
    """Engraved or embossed lettering in metal."""

    depth: float  # relief contrast: 1 = deep cut with dark grooves and bright edges, 0 = flat
    sharpness: float  # 1 = crisp cut edges, 0 = rounded edges blurred over a third of cap height


@dataclass(frozen=True)
class HandbagSpec:
    """How a brand's handbags are made: stamp, stitching, hardware and leathers."""

    stamp: WordmarkSpec
    stamp_lines: tuple[str, ...]  # smaller lines stamped under the wordmark
    stamp_finish: str  # "blind" (pressed only), "gold" or "silver" (hot foil)
    leathers: tuple[RGB, ...]  # colours the items come in
    grain: float  # pebble grain relief: 0 = smooth calf, 1 = pronounced pebbled grain
    grain_scale: float  # pebble size, as a fraction of the frame
    stitch: StitchSpec
    hardware_metal: RGB
    plate_size: tuple[float, float]  # width and height of the hardware plate
    plate_wordmark: WordmarkSpec  # the wordmark engraved on the hardware plate
    plate_lines: tuple[str, ...]
    plate_engraving: EngravingSpec


@dataclass(frozen=True)
class WatchSpec:
    """How a brand's watches are made: dial printing and caseback engraving."""

    dial_wordmark: WordmarkSpec
    dial_lines: tuple[str, ...]  # smaller lines printed under the wordmark
    dials: tuple[RGB, ...]  # dial colours the references come in
    dial_finish: str  # "sunburst", "opaline" or "matte"
    indices: str  # "baton", "roman" or "dot"
    ink_on_dark: RGB  # print colour on a dark dial
    ink_on_light: RGB  # print colour on a light dial
    hands: RGB
    case_metal: RGB
    ring_text: str  # engraved around the caseback
    ring_typeface: str
    caseback_engraving: EngravingSpec


@dataclass(frozen=True)
class BrandSpec:
    name: str
    handbag: HandbagSpec | None
    watch: WatchSpec | None

    def for_category(self, category: str) -> HandbagSpec | WatchSpec:
        spec = self.handbag if category == "handbag" else self.watch
        if spec is None:
            raise ValueError(f"{self.name} makes no {category}")
        return spec


_GOLD: RGB = (208, 170, 98)
_PALLADIUM: RGB = (196, 199, 204)
_STEEL: RGB = (178, 182, 188)

BRANDS: dict[str, BrandSpec] = {
    "Chanel": BrandSpec(
        name="Chanel",
        handbag=HandbagSpec(
            stamp=WordmarkSpec("CHANEL", "DejaVuSans-Bold", 0.20, 0.09, 0.0),
            stamp_lines=("PARIS",),
            stamp_finish="gold",
            leathers=((30, 29, 32), (198, 172, 138), (132, 24, 34)),
            grain=1.0,
            grain_scale=0.022,
            stitch=StitchSpec(0.072, 28.0, (108, 104, 104), 0.029, 0.02),
            hardware_metal=_GOLD,
            plate_size=(0.80, 0.36),
            plate_wordmark=WordmarkSpec("CHANEL", "DejaVuSans-Bold", 0.2, 0.085, 0.0),
            plate_lines=("PARIS",),
            plate_engraving=EngravingSpec(depth=0.85, sharpness=0.90),
        ),
        watch=None,
    ),
    "Hermès": BrandSpec(
        name="Hermès",
        handbag=HandbagSpec(
            stamp=WordmarkSpec("HERMÈS", "DejaVuSerif", 0.14, 0.085, 0.01),
            stamp_lines=("PARIS", "MADE IN FRANCE"),
            stamp_finish="silver",
            leathers=((178, 112, 60), (140, 127, 113), (32, 30, 29), (200, 96, 42)),
            grain=0.7,
            grain_scale=0.035,
            stitch=StitchSpec(0.094, 42.0, (238, 234, 222), 0.034, 0.02),
            hardware_metal=_PALLADIUM,
            plate_size=(0.86, 0.38),
            plate_wordmark=WordmarkSpec("HERMÈS", "DejaVuSerif", 0.14, 0.09, 0.0),
            plate_lines=("PARIS",),
            plate_engraving=EngravingSpec(depth=0.75, sharpness=0.95),
        ),
        watch=None,
    ),
    "Louis Vuitton": BrandSpec(
        name="Louis Vuitton",
        handbag=HandbagSpec(
            stamp=WordmarkSpec("LOUIS VUITTON", "LiberationSans-Regular", 0.06, 0.058, 0.02),
            stamp_lines=("PARIS", "made in France"),
            stamp_finish="blind",
            leathers=((206, 160, 114), (92, 58, 38), (31, 29, 29)),
            grain=0.15,
            grain_scale=0.025,
            stitch=StitchSpec(0.110, 22.0, (198, 150, 60), 0.034, 0.02),
            hardware_metal=(192, 152, 82),
            plate_size=(0.80, 0.32),
            plate_wordmark=WordmarkSpec(
                "LOUIS VUITTON", "LiberationSans-Regular", 0.05, 0.052, 0.0
            ),
            plate_lines=("PARIS",),
            plate_engraving=EngravingSpec(depth=0.65, sharpness=0.93),
        ),
        watch=None,
    ),
    "Gucci": BrandSpec(
        name="Gucci",
        handbag=HandbagSpec(
            stamp=WordmarkSpec("GUCCI", "LiberationSerif-Bold", 0.03, 0.11, 0.0),
            stamp_lines=("made in Italy",),
            stamp_finish="blind",
            leathers=((27, 26, 26), (150, 100, 62), (182, 160, 128)),
            grain=0.45,
            grain_scale=0.03,
            stitch=StitchSpec(0.082, 24.0, (232, 222, 196), 0.030, 0.02),
            hardware_metal=(178, 142, 84),
            plate_size=(0.80, 0.38),
            plate_wordmark=WordmarkSpec("GUCCI", "LiberationSerif-Bold", 0.05, 0.10, 0.0),
            plate_lines=("MADE IN ITALY",),
            plate_engraving=EngravingSpec(depth=0.90, sharpness=0.92),
        ),
        watch=None,
    ),
    "Cartier": BrandSpec(
        name="Cartier",
        handbag=HandbagSpec(
            stamp=WordmarkSpec("Cartier", "LiberationSerif-Regular", 0.0, 0.10, 0.01),
            stamp_lines=("PARIS",),
            stamp_finish="gold",
            leathers=((112, 22, 36), (34, 30, 32), (150, 130, 112)),
            grain=0.05,
            grain_scale=0.02,
            stitch=StitchSpec(0.066, 34.0, (122, 34, 44), 0.026, 0.02),
            hardware_metal=_GOLD,
            plate_size=(0.70, 0.40),
            plate_wordmark=WordmarkSpec("Cartier", "LiberationSerif-Regular", 0.02, 0.12, 0.0),
            plate_lines=("PARIS",),
            plate_engraving=EngravingSpec(depth=0.70, sharpness=0.95),
        ),
        watch=WatchSpec(
            dial_wordmark=WordmarkSpec("Cartier", "LiberationSerif-Regular", 0.01, 0.075, 0.0),
            dial_lines=(),
            dials=((234, 232, 226), (238, 230, 212)),
            dial_finish="opaline",
            indices="roman",
            ink_on_dark=(236, 236, 232),
            ink_on_light=(22, 22, 28),
            hands=(42, 62, 126),
            case_metal=_STEEL,
            ring_text="CARTIER · ACIER · WATER RESISTANT 30 M · SWISS MADE · ",
            ring_typeface="LiberationSans-Regular",
            caseback_engraving=EngravingSpec(depth=0.70, sharpness=0.85),
        ),
    ),
    "Rolex": BrandSpec(
        name="Rolex",
        handbag=None,
        watch=WatchSpec(
            dial_wordmark=WordmarkSpec("ROLEX", "DejaVuSerif-Bold", 0.10, 0.070, 0.0),
            dial_lines=("OYSTER PERPETUAL",),
            dials=((20, 20, 22), (22, 46, 102), (22, 70, 46)),
            dial_finish="sunburst",
            indices="baton",
            ink_on_dark=(236, 236, 230),
            ink_on_light=(20, 20, 22),
            hands=(222, 222, 216),
            case_metal=_STEEL,
            ring_text="ORIGINAL CASE · OYSTER · STAINLESS STEEL · SWISS MADE · ",
            ring_typeface="DejaVuSans",
            caseback_engraving=EngravingSpec(depth=0.90, sharpness=0.95),
        ),
    ),
    "Omega": BrandSpec(
        name="Omega",
        handbag=None,
        watch=WatchSpec(
            dial_wordmark=WordmarkSpec("OMEGA", "LiberationSans-Regular", 0.24, 0.065, 0.0),
            dial_lines=("SEAMASTER",),
            dials=((202, 204, 208), (30, 52, 96), (24, 24, 26)),
            dial_finish="sunburst",
            indices="baton",
            ink_on_dark=(238, 238, 236),
            ink_on_light=(24, 24, 28),
            hands=(210, 212, 214),
            case_metal=_STEEL,
            ring_text="OMEGA · SEAMASTER · WATER RESISTANT 300 M · STAINLESS STEEL · ",
            ring_typeface="LiberationSans-Bold",
            caseback_engraving=EngravingSpec(depth=0.80, sharpness=0.90),
        ),
    ),
    "Patek Philippe": BrandSpec(
        name="Patek Philippe",
        handbag=None,
        watch=WatchSpec(
            dial_wordmark=WordmarkSpec("PATEK PHILIPPE", "DejaVuSerif", 0.08, 0.050, 0.0),
            dial_lines=("GENEVE",),
            dials=((238, 230, 212), (242, 242, 238), (70, 74, 80)),
            dial_finish="matte",
            indices="dot",
            ink_on_dark=(232, 232, 228),
            ink_on_light=(26, 24, 24),
            hands=(186, 146, 78),
            case_metal=(186, 188, 192),
            ring_text="PATEK PHILIPPE · GENEVE · SAPPHIRE CRYSTAL · STAINLESS STEEL · ",
            ring_typeface="DejaVuSerif",
            caseback_engraving=EngravingSpec(depth=0.60, sharpness=0.90),
        ),
    ),
}

# Brands in catalog order, per category.
CATEGORY_BRANDS: dict[str, tuple[str, ...]] = {
    "handbag": ("Chanel", "Hermès", "Louis Vuitton", "Gucci", "Cartier"),
    "watch": ("Cartier", "Rolex", "Omega", "Patek Philippe"),
}

# The similar-but-different typeface a counterfeiter reaches for instead of each reference
# typeface: close in proportions, different in the letter shapes.
LOOKALIKE_TYPEFACES: dict[str, str] = {
    "DejaVuSans": "LiberationSans-Regular",
    "DejaVuSans-Bold": "LiberationSans-Bold",
    "DejaVuSerif": "LiberationSerif-Regular",
    "DejaVuSerif-Bold": "LiberationSerif-Bold",
    "LiberationSans-Regular": "DejaVuSans",
    "LiberationSans-Bold": "DejaVuSans-Bold",
    "LiberationSerif-Regular": "DejaVuSerif",
    "LiberationSerif-Bold": "DejaVuSerif-Bold",
    "LiberationSansNarrow-Regular": "LiberationSans-Regular",
    "DejaVuSansMono": "LiberationMono-Regular",
    "LiberationMono-Regular": "DejaVuSansMono",
}
