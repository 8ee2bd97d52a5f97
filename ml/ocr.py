"""Reading the serial or date code off a photo of its tag, with tesseract.

The pre-screen compares the code the buyer typed with the one in the photo, and checks the code
against the brand's rules (ml/serials.py). Stamped and engraved codes are hard for a general
OCR engine: the letters are the colour of the leather or metal around them and only show as a
shadowed and a lit wall, under uneven light, on a textured surface. So the photo is prepared
first:

1. grayscale, brought to a fixed working size (small photos are enlarged);
2. the light is flattened and the contrast normalised locally (each pixel against the mean and
   spread of its neighbourhood, a simple relative of CLAHE), after a blur that takes out the
   leather grain;
3. the code's line is found as the longest row of letter-sized marks, in both polarities: a
   debossed code on leather is darker than its surface, an engraving on metal can be either;
4. the line is straightened by the slope of its letters (and also read as it is), binarised
   with Otsu's threshold, cleaned of grain specks and read by tesseract as a single line,
   with only the characters the brand's serials use, at two letter sizes.

Tesseract is often sure of a wrong digit, so no single read is trusted: the reading that the
most reads agree on wins, and among equally supported ones the one that fits the brand's
rules (ml.serials.serial_check). A photo with nothing readable gives an empty reading with
confidence 0; a missing tesseract binary raises :class:`OcrUnavailable`, because that is an
installation problem, not a photo problem.
"""

from __future__ import annotations

import math
import shutil
import string
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pytesseract
from numpy.typing import NDArray
from PIL import Image
from scipy import ndimage

from ml.serials import SERIAL_VIOLATIONS, serial_alphabet, serial_check, serial_normalize

FloatArray = NDArray[np.float32]


class OcrUnavailable(RuntimeError):
    """The tesseract binary is not installed (or not where pytesseract looks for it)."""


@dataclass(frozen=True)
class OcrReading:
    text: str  # as tesseract read it
    normalized: str  # as the brand prints it (ml.serials.serial_normalize)
    confidence: float  # 0..1: how far differently prepared reads agree on it (see _consensus)


EMPTY_READING = OcrReading(text="", normalized="", confidence=0.0)

# Photos are worked on at this long side: enough for a close-up's code, small enough to be quick.
_WORKING_LONG_SIDE = 800
# Light and contrast are normalised over neighbourhoods this share of the long side: wider
# than a letter, so letters stand out from them, and narrower than a lighting gradient.
_NEIGHBOURHOOD = 1 / 24
# Leather grain and sensor noise are finer than these blurs (pixels at the working size);
# strokes are wider. Coarse grain needs the second.
_GRAIN_BLURS = (2.5, 5.0)
# Blurring a line by up to this share of its letter height keeps the strokes whole.
_STROKE_BLUR = 0.05
# A pixel is a mark when it is this many local standard deviations darker (or lighter).
_MARK_LEVEL = 1.0
# Marks worth looking at, as shares of the working image's height and width: letters, and
# pieces of letters; not the tab's outline or an edge's shadow.
_MIN_MARK_HEIGHT = 0.012
_MIN_LETTER_HEIGHT = 0.03
_MAX_LETTER_HEIGHT = 0.4
_MAX_LETTER_WIDTH = 0.25
# Pieces of one letter are stacked with at most this gap, in heights of the taller piece.
_PIECE_GAP = 0.3
# Letters of one code are never further apart than this many letter heights.
_MAX_GAP = 2.0
# Pieces of a broken letter start at most this many letter heights from the whole letters.
_FRAGMENT_REACH = 0.45
# Capital heights, in pixels, that lines are read at. Tesseract's misreadings change with
# the size (a large 5 can come back as a 9, a small one not), so two sizes that agree are
# worth more than one confident reading.
_READ_CAP_HEIGHTS = (30, 44)
# Blobs smaller than this share of a capital's square are grain, not strokes.
_MIN_STROKE_AREA = 0.02
# A reading is trusted once this many reads of differently prepared images agree on it and
# it passes the brand's rules, or once more agree on a serial that breaks them (a
# counterfeit's), without reading the rest.
_AGREEING_VALID_READINGS = 2
_AGREEING_READINGS = 3
# Below this confidence, a reading is noise that tesseract forced into characters, unless
# other reads agree with it and it fits the brand's format; fitting alone is not enough
# (eight random characters are a valid Rolex serial).
_MIN_CONFIDENCE = 0.4


def serial_read(image: Image.Image, *, brand: str | None = None) -> OcrReading:
    """The code on a photo of a serial or date-code tag; empty if nothing is readable."""
    if shutil.which(pytesseract.pytesseract.tesseract_cmd) is None:
        raise OcrUnavailable(
            f"The tesseract binary {pytesseract.pytesseract.tesseract_cmd!r} was not found; "
            "install tesseract-ocr (with its English data) to read serial codes."
        )
    readings: list[OcrReading] = []
    for page in _line_pages(_working_gray(image)):
        reading = _read_page(page, brand)
        if not reading.text:
            continue
        readings.append(reading)
        agreeing = [r for r in readings if r.normalized == reading.normalized]
        if len(agreeing) >= _AGREEING_VALID_READINGS and _fit(reading, brand)[0]:
            return _consensus(agreeing, len(readings))
        if len(agreeing) >= _AGREEING_READINGS and _mean_confidence(agreeing) >= _MIN_CONFIDENCE:
            return _consensus(agreeing, len(readings))
    if not readings:
        return EMPTY_READING
    groups: dict[str, list[OcrReading]] = {}
    for reading in readings:
        groups.setdefault(reading.normalized, []).append(reading)
    # Agreement between reads first: preferring readings that pass the rules would turn a
    # counterfeit's broken serial into a misread that happens to be valid.
    best = max(
        groups.values(),
        key=lambda group: (len(group), *_fit(group[0], brand), _mean_confidence(group)),
    )
    unsure = _mean_confidence(best) < _MIN_CONFIDENCE
    if unsure and (len(best) == 1 or not _fit(best[0], brand)[0]):
        return EMPTY_READING
    return _consensus(best, len(readings))


def _mean_confidence(readings: list[OcrReading]) -> float:
    return sum(r.confidence for r in readings) / len(readings)


def _consensus(agreeing: list[OcrReading], reads: int) -> OcrReading:
    """One reading for the reads that agree on it.

    Its confidence is the share of all reads made that agree, discounted by up to half where
    tesseract itself was unsure: agreement tells right from wrong readings far better than
    tesseract's own confidence, which is often high for a wrong digit and 0 for a right one.
    """
    share = len(agreeing) / reads
    return OcrReading(
        text=agreeing[0].text,
        normalized=agreeing[0].normalized,
        confidence=share * (0.5 + 0.5 * _mean_confidence(agreeing)),
    )


def _line_pages(gray: FloatArray) -> Iterator[Image.Image]:
    """Clean black-on-white images of the lines that may be the code, most likely first.

    Lazily, so that a sure first reading saves the rest of the work.
    """
    contrasts: dict[float, FloatArray] = {}

    def contrast_at(blur: float) -> FloatArray:
        if blur not in contrasts:
            contrasts[blur] = _local_contrast(gray, blur)
        return contrasts[blur]

    for polarity in (1.0, -1.0):
        for grain_blur in _GRAIN_BLURS:
            line = _code_line(contrast_at(grain_blur) * polarity)
            if line is None:
                continue
            # Strokes are a fixed share of the letter height; blurring up to a fraction of
            # that leaves them whole and wipes out grain the detection blur let through.
            reading_blur = max(grain_blur, round(_STROKE_BLUR * line.char_height, 1))
            for angle in dict.fromkeys((line.slope, 0.0)):
                for cap_height in _READ_CAP_HEIGHTS:
                    yield _line_page(contrast_at(reading_blur) * polarity, line, angle, cap_height)


def _fit(reading: OcrReading, brand: str | None) -> tuple[bool, float]:
    """How well a reading fits the rules: whether it passes, and minus its number of findings."""
    if brand is None:
        passes = any(serial_check(brand=name, serial=reading.text).ok for name in SERIAL_VIOLATIONS)
        return passes, 0.0
    check = serial_check(brand=brand, serial=reading.normalized)
    return check.ok, -float(len(check.findings))


def _working_gray(image: Image.Image) -> FloatArray:
    gray = image.convert("L")
    scale = _WORKING_LONG_SIDE / max(gray.size)
    size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
    gray = gray.resize(size, Image.Resampling.BICUBIC)
    return np.asarray(gray, dtype=np.float32)


def _local_contrast(gray: FloatArray, grain_blur: float) -> FloatArray:
    """Each pixel in local standard deviations from its neighbourhood's mean.

    Blurred first, so that leather grain and sensor noise do not count as contrast.
    """
    radius = _NEIGHBOURHOOD * max(gray.shape)
    smooth = ndimage.gaussian_filter(gray, grain_blur)
    detail = smooth - _wide_blur(smooth, radius)
    spread = np.sqrt(_wide_blur(detail**2, radius))
    # The floor keeps a flat, featureless area from being blown up into marks.
    return np.asarray(detail / np.maximum(spread, 4.0), dtype=np.float32)


def _wide_blur(values: FloatArray, sigma: float) -> FloatArray:
    """A Gaussian blur of a wide radius, as three box blurs: as good here, many times faster."""
    width = max(1, round(math.sqrt(4 * sigma**2 + 1)))
    for _ in range(3):
        values = ndimage.uniform_filter(values, width, mode="nearest")
    return np.asarray(values, dtype=np.float32)


@dataclass(frozen=True)
class _CodeLine:
    """Where the code's row of marks is on the working image."""

    box: tuple[int, int, int, int]  # left, top, right, bottom
    char_height: int  # the marks' median height: the capital height
    slope: float  # in degrees, positive when the line falls to the right


@dataclass(frozen=True)
class _Mark:
    top: int
    left: int
    bottom: int
    right: int
    ink: int  # pixels

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def centre(self) -> float:
        return (self.left + self.right) / 2


def _code_line(contrast: FloatArray) -> _CodeLine | None:
    """The row of dark marks most likely to be the code: the most letters in one line."""
    height, width = contrast.shape
    marks = ndimage.binary_opening(-contrast > _MARK_LEVEL, iterations=1)
    labels, _ = ndimage.label(marks)
    found: list[_Mark] = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        if box is None:
            continue
        rows, cols = box
        mark = _Mark(
            rows.start, cols.start, rows.stop, cols.stop, int((labels[box] == index).sum())
        )
        touches_edge = mark.top == 0 or mark.left == 0
        touches_edge = touches_edge or mark.bottom == height or mark.right == width
        # Letters, and the pieces a relief breaks them into; not the tab's outline, a shadow
        # along an edge or a speck of grain.
        if (
            _MIN_MARK_HEIGHT * height <= mark.height <= _MAX_LETTER_HEIGHT * height
            and mark.right - mark.left <= _MAX_LETTER_WIDTH * width
            and not touches_edge
        ):
            found.append(mark)
    found = _stacked_pieces_joined(found)
    best: list[_Mark] = []
    best_letters: list[_Mark] = []
    for seed in found:
        if seed.height < _MIN_LETTER_HEIGHT * height or not _letter_like(seed):
            continue
        row = _row_through(seed, found)
        letters = [m for m in row if m.height >= 0.7 * seed.height and _letter_like(m)]
        if (len(letters), sum(m.ink for m in row)) > (
            len(best_letters),
            sum(m.ink for m in best),
        ):
            best, best_letters = row, letters
    if len(best_letters) < 2:
        return None
    # Pieces of a broken letter start within a letter spacing of the line's letters (or of
    # other pieces); marks further out are the tab's stitching or edge, which would come back
    # as an I or an F.
    reach = _FRAGMENT_REACH * float(np.median([m.height for m in best_letters]))
    within = list(best_letters)
    grown = True
    while grown:
        first = min(m.left for m in within) - reach
        last = max(m.right for m in within) + reach
        near = [m for m in best if m not in within and m.right >= first and m.left <= last]
        within += near
        grown = bool(near)
    box = (
        min(m.left for m in within),
        min(m.top for m in within),
        max(m.right for m in within),
        max(m.bottom for m in within),
    )
    return _CodeLine(box, int(np.median([m.height for m in best_letters])), _slope(best_letters))


def _stacked_pieces_joined(marks: list[_Mark]) -> list[_Mark]:
    """Marks with the pieces of one letter joined: pieces stacked one over the other.

    The relief lights a letter's walls unevenly, so a stroke can fall apart into a stem and
    a foot, or a bowl and a bar; whole letters are what the line is recognised by.
    """
    joined: list[_Mark] = []
    for mark in sorted(marks, key=lambda m: m.left):
        for index, other in enumerate(joined):
            overlap = min(mark.right, other.right) - max(mark.left, other.left)
            narrower = min(mark.right - mark.left, other.right - other.left)
            gap = max(mark.top, other.top) - min(mark.bottom, other.bottom)
            if overlap >= narrower / 2 and gap <= _PIECE_GAP * max(mark.height, other.height):
                joined[index] = _Mark(
                    min(mark.top, other.top),
                    min(mark.left, other.left),
                    max(mark.bottom, other.bottom),
                    max(mark.right, other.right),
                    mark.ink + other.ink,
                )
                break
        else:
            joined.append(mark)
    return joined


def _letter_like(mark: _Mark) -> bool:
    """Capitals and digits are about as wide as tall at most, and fill part of their box."""
    width = mark.right - mark.left
    return width <= 1.5 * mark.height and mark.ink >= 0.12 * width * mark.height


def _row_through(seed: _Mark, marks: list[_Mark]) -> list[_Mark]:
    """The marks in line with ``seed`` and no taller, up to a gap wider than a few letters.

    The line may be tilted: it is found level first, then again along the tilt of the
    letters found, so the far end of a long, tilted code is not lost.
    """
    size = seed.height
    sized = [m for m in marks if m.height <= 1.3 * size]
    level, tilt = seed.middle, 0.0
    row = [seed]
    for _ in range(2):
        in_line = sorted(
            (
                m
                for m in sized
                if abs(m.middle - level - tilt * (m.centre - seed.centre)) < size / 2
            ),
            key=lambda m: m.left,
        )
        if seed not in in_line:
            break
        start = end = in_line.index(seed)
        while start > 0 and in_line[start].left - in_line[start - 1].right < _MAX_GAP * size:
            start -= 1
        while (
            end < len(in_line) - 1 and in_line[end + 1].left - in_line[end].right < _MAX_GAP * size
        ):
            end += 1
        row = in_line[start : end + 1]
        letters = [m for m in row if m.height >= 0.7 * size and _letter_like(m)]
        if len(letters) < 3:
            break
        fitted = np.polyfit([m.centre for m in letters], [m.middle for m in letters], 1)
        tilt = float(fitted[0])
        level = float(fitted[1]) + tilt * seed.centre
    return row


def _slope(letters: list[_Mark]) -> float:
    """The tilt of the line through the letters' feet, in degrees (capitals stand on it)."""
    if len(letters) < 3:
        return 0.0
    xs = np.array([(m.left + m.right) / 2 for m in letters], dtype=np.float64)
    ys = np.array([m.bottom for m in letters], dtype=np.float64)
    gradient = float(np.polyfit(xs, ys, 1)[0])
    return math.degrees(math.atan(gradient))


def _otsu(values: FloatArray) -> float:
    histogram, edges = np.histogram(values, bins=256)
    centres = (edges[:-1] + edges[1:]) / 2
    weight = np.cumsum(histogram).astype(np.float64)
    total = weight[-1]
    mean = np.cumsum(histogram * centres)
    between = (mean[-1] * weight - mean * total) ** 2 / np.maximum(weight * (total - weight), 1)
    return float(centres[int(np.argmax(between))])


def _line_page(contrast: FloatArray, line: _CodeLine, angle: float, cap_height: int) -> Image.Image:
    """The line, straightened, binarised and framed the way tesseract reads best."""
    left, top, right, bottom = line.box
    margin = int(line.char_height * 0.5)
    height, width = contrast.shape
    crop = contrast[
        max(0, top - margin) : min(height, bottom + margin),
        max(0, left - margin) : min(width, right + margin),
    ]
    # Enlarged before thresholding, so letter edges are smooth rather than enlarged pixels.
    crop = ndimage.zoom(crop, cap_height / line.char_height, order=3)
    if angle:
        crop = ndimage.rotate(crop, angle, reshape=False, order=1, mode="nearest")
    ink = crop < _otsu(crop)
    # Specks of grain that cleared the threshold are far smaller than any stroke, and marks
    # that run out of the line's band at the top or bottom are not letters.
    labels, count = ndimage.label(ink)
    areas = ndimage.sum(ink, labels, index=np.arange(1, count + 1))
    keep = np.concatenate(([False], areas >= cap_height**2 * _MIN_STROKE_AREA))
    keep[np.unique(labels[[0, -1], :])] = False
    page = Image.fromarray(np.where(keep[labels], 0, 255).astype(np.uint8), "L")
    # Tesseract wants a quiet border around the text.
    framed = Image.new("L", (page.width + 2 * cap_height, page.height + cap_height), 255)
    framed.paste(page, (cap_height, cap_height // 2))
    return framed


def _read_page(page: Image.Image, brand: str | None) -> OcrReading:
    data = pytesseract.image_to_data(
        page, config=_tesseract_config(brand), output_type=pytesseract.Output.DICT
    )
    words = [
        (str(text).strip(), float(conf))
        for text, conf in zip(data["text"], data["conf"], strict=True)
        if str(text).strip() and float(conf) >= 0
    ]
    if not words:
        return EMPTY_READING
    text = " ".join(word for word, _ in words)
    confidence = sum(conf for _, conf in words) / len(words) / 100.0
    return OcrReading(
        text=text, normalized=serial_normalize(text, brand=brand), confidence=confidence
    )


def _tesseract_config(brand: str | None) -> str:
    """A single line, only the characters serials use, no dictionaries (serials are not words)."""
    alphabet = serial_alphabet(brand) if brand else string.digits + string.ascii_uppercase
    # The space belongs in the whitelist: without it tesseract glues the groups together and
    # gives every word a confidence of 0.
    return (
        f'--psm 7 --oem 1 -c "tessedit_char_whitelist={alphabet} " '
        "-c load_system_dawg=0 -c load_freq_dawg=0"
    )
