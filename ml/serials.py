"""Serial and date-code rules per brand, readable by a person who is not a programmer.

The pre-screen reads the code on a date-code tag or a caseback (ml/ocr.py) and checks it here;
the synthetic data generator uses the same rules to stamp valid codes on authentic items and
codes that break exactly one rule on counterfeits. Every broken rule comes back as a finding
with a plain-English message that names the offending part ("date code week 54 does not
exist"), because the message is shown to the expert as is.

These are the platform's DEMONSTRATION rules. They follow the publicly known shapes of each
brand's codes, kept deliberately simple (one small function per brand below, with its tables
beside it); the factory, supplier and workshop tables are short samples, not complete lists.
The brands' experts must review every rule and table before a finding is used on a real case.

    Louis Vuitton  two-letter factory code + four digits; digits 1 and 3 are the week (01-53),
                   digits 2 and 4 the year (week-and-year codes started in 2007): "AR1019".
    Chanel         seven digits (series 0-9, 1986-2005) or eight digits (series 10-32,
                   2005-2021); the series (first one or two digits) dates the bag.
    Hermès         the blind stamp's year letter + a two-digit craftsman number: "T 23".
    Gucci          six-digit style number + four-digit supplier code: "443497 2091".
    Cartier        six digits + two workshop letters: "583142MX".
    Rolex          eight characters; never the letters B, I, O and S, which read like the
                   digits 8, 1, 0 and 5 on an engraving, nor Q and U.
    Omega          eight digits, no leading zero.
    Patek Philippe seven-digit movement number, no leading zero.
"""

from __future__ import annotations

import datetime
import random
import re
import string
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal


@dataclass(frozen=True)
class SerialFinding:
    code: str
    message: str


@dataclass(frozen=True)
class SerialCheck:
    brand: str
    serial: str
    normalized: str
    ok: bool
    findings: tuple[SerialFinding, ...]
    decoded: dict[str, object]

    def to_dict(self) -> dict[str, object]:
        """A JSON-serialisable copy, as stored with the screening result."""
        return {
            "brand": self.brand,
            "serial": self.serial,
            "normalized": self.normalized,
            "ok": self.ok,
            "findings": [asdict(finding) for finding in self.findings],
            "decoded": dict(self.decoded),
        }


_Outcome = tuple[list[SerialFinding], dict[str, object]]

# OCR and hurried typing swap these; a position that can only hold a digit (or only a letter)
# tells which one was meant.
_LETTER_AS_DIGIT = {"O": "0", "I": "1", "S": "5", "B": "8", "G": "6", "Z": "2"}
_DIGIT_AS_LETTER = {digit: letter for letter, digit in _LETTER_AS_DIGIT.items()}

# Letters that are never confused with a digit, so a counterfeit's stray letter survives
# normalisation and is reported instead of being "corrected" into a valid serial.
_UNAMBIGUOUS_LETTERS = "ACEFHKMNPRTXY"


def _digits(rng: random.Random, count: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(count))


def _letters_in(code: str) -> str:
    return ", ".join(f"'{letter}'" for letter in dict.fromkeys(c for c in code if c.isalpha()))


def _with_stray_letter(rng: random.Random, serial: str) -> str:
    position = rng.randrange(1, len(serial))
    return serial[:position] + rng.choice(_UNAMBIGUOUS_LETTERS) + serial[position + 1 :]


def _resized(rng: random.Random, serial: str) -> str:
    """The serial with one digit dropped or one added: a copy made from a misread original."""
    if rng.random() < 0.5:
        return serial[:-1]
    return serial + rng.choice(string.digits)


# --------------------------------------------------------------------------------------------
# Louis Vuitton
# --------------------------------------------------------------------------------------------

# A sample of two-letter factory codes seen on genuine date codes since 2007.
LOUIS_VUITTON_FACTORIES = frozenset(
    "AA AH AN AR AS BA BJ BU CA DR DU DT ET FL GI LB LM LO LW MB MI NO RA RC RI SA SD SF SL SN "
    "SP SR TH TJ TN TR TS UB VI VX".split()
)
_LV_FIRST_YEAR = 2007
# Valid codes are generated up to this year so that they stay valid whatever today is.
_LV_LAST_GENERATED_YEAR = 2024


def _lv_code(factory: str, week: int, year: int) -> str:
    week_digits, year_digits = f"{week:02d}", f"{year % 100:02d}"
    return factory + week_digits[0] + year_digits[0] + week_digits[1] + year_digits[1]


def _check_louis_vuitton(code: str, today: datetime.date) -> _Outcome:
    match = re.fullmatch(r"([A-Z]{2})(\d+)", code.replace(" ", ""))
    if match is None:
        return [
            SerialFinding(
                "bad_format",
                f"date code '{code}' is not two factory letters followed by four digits",
            )
        ], {}
    factory, digits = match.groups()
    findings = []
    if factory not in LOUIS_VUITTON_FACTORIES:
        findings.append(
            SerialFinding(
                "unknown_factory",
                f"factory code '{factory}' is not a known Louis Vuitton factory",
            )
        )
    if len(digits) != 4:
        findings.append(
            SerialFinding(
                "bad_length",
                f"date code '{code}' has {len(digits)} digits after the factory code "
                "instead of four",
            )
        )
        return findings, {"factory": factory}
    week, year = int(digits[0] + digits[2]), 2000 + int(digits[1] + digits[3])
    week_exists = 1 <= week <= 53
    if not week_exists:
        findings.append(
            SerialFinding("week_out_of_range", f"date code week {week:02d} does not exist")
        )
    iso_year, iso_week, _ = today.isocalendar()
    if year < _LV_FIRST_YEAR:
        findings.append(
            SerialFinding(
                "year_before_format",
                f"date code year {year} is older than the week-and-year format, "
                f"which Louis Vuitton has used since {_LV_FIRST_YEAR}",
            )
        )
    elif year > iso_year or (year == iso_year and week_exists and week > iso_week):
        findings.append(
            SerialFinding("year_in_future", f"date code week {week:02d} of {year} is in the future")
        )
    return findings, {"factory": factory, "week": week, "year": year}


def _generate_louis_vuitton(rng: random.Random, violation: str | None) -> str:
    factory = rng.choice(sorted(LOUIS_VUITTON_FACTORIES))
    week, year = rng.randint(1, 53), rng.randint(_LV_FIRST_YEAR, _LV_LAST_GENERATED_YEAR)
    if violation == "unknown_factory":
        unknown = [a + b for a in string.ascii_uppercase for b in string.ascii_uppercase]
        factory = rng.choice([f for f in unknown if f not in LOUIS_VUITTON_FACTORIES])
    elif violation == "week_out_of_range":
        week = rng.choice([0, *range(54, 100)])
    elif violation == "year_before_format":
        year = rng.randint(2000, _LV_FIRST_YEAR - 1)
    elif violation == "year_in_future":
        # Far enough ahead to stay in the future for the life of the platform.
        year = rng.randint(2080, 2099)
    code = _lv_code(factory, week, year)
    if violation == "bad_length":
        return _resized(rng, code)
    return code


# --------------------------------------------------------------------------------------------
# Chanel
# --------------------------------------------------------------------------------------------

# Serial series -> the years bags of that series were made. Series 0-9 have seven digits,
# series 10 onwards eight; serial stickers were replaced by microchips in 2021.
CHANEL_SERIES_YEARS: dict[int, tuple[int, int]] = {
    0: (1986, 1988), 1: (1989, 1991), 2: (1991, 1994), 3: (1994, 1996), 4: (1996, 1997),
    5: (1997, 1999), 6: (2000, 2002), 7: (2002, 2003), 8: (2003, 2004), 9: (2004, 2005),
    10: (2005, 2006), 11: (2006, 2008), 12: (2008, 2009), 13: (2009, 2010), 14: (2010, 2011),
    15: (2011, 2011), 16: (2011, 2012), 17: (2012, 2012), 18: (2013, 2013), 19: (2014, 2014),
    20: (2014, 2015), 21: (2015, 2016), 22: (2016, 2016), 23: (2017, 2017), 24: (2017, 2017),
    25: (2017, 2018), 26: (2018, 2018), 27: (2019, 2019), 28: (2019, 2019), 29: (2019, 2020),
    30: (2020, 2021), 31: (2021, 2021), 32: (2021, 2021),
}  # fmt: skip
_CHANEL_LAST_SERIES = max(CHANEL_SERIES_YEARS)


def _check_chanel(code: str, today: datetime.date) -> _Outcome:
    compact = code.replace(" ", "")
    findings = []
    if not compact.isdigit():
        findings.append(
            SerialFinding(
                "non_digit",
                f"serial '{code}' contains {_letters_in(compact)}, but Chanel serials are "
                "digits only",
            )
        )
    if len(compact) not in (7, 8):
        findings.append(
            SerialFinding(
                "bad_length",
                f"serial '{code}' has {len(compact)} characters instead of seven or eight",
            )
        )
    if findings:
        return findings, {}
    series = int(compact[0]) if len(compact) == 7 else int(compact[:2])
    if series not in CHANEL_SERIES_YEARS:
        return [
            SerialFinding(
                "unknown_series",
                f"serial series {series} was never issued; the last Chanel series was "
                f"{_CHANEL_LAST_SERIES}, in {CHANEL_SERIES_YEARS[_CHANEL_LAST_SERIES][1]}",
            )
        ], {"series": series}
    first, last = CHANEL_SERIES_YEARS[series]
    decoded: dict[str, object] = {"series": series, "first_year": first, "last_year": last}
    if len(compact) == 8 and series < 10:
        return [
            SerialFinding(
                "period_mismatch",
                f"serial '{code}' has eight digits, but series {series} bags "
                f"({first}-{last}) carried seven-digit serials",
            )
        ], decoded
    return [], decoded


def _generate_chanel(rng: random.Random, violation: str | None) -> str:
    series = rng.choice(sorted(CHANEL_SERIES_YEARS))
    if violation == "period_mismatch":
        series = rng.randint(0, 9)
        return f"{series:02d}" + _digits(rng, 6)
    if violation == "unknown_series":
        return str(rng.randint(_CHANEL_LAST_SERIES + 1, 99)) + _digits(rng, 6)
    serial = str(series) + _digits(rng, 6)
    if violation == "non_digit":
        return _with_stray_letter(rng, serial)
    if violation == "bad_length":
        # Never 7 or 8 long, so the wrong length cannot pass for the other era's serial.
        return serial[:6] if len(serial) == 7 else serial + rng.choice(string.digits)
    return serial


# --------------------------------------------------------------------------------------------
# Hermès
# --------------------------------------------------------------------------------------------

# Blind-stamp year letter -> the years it stood for since 1997 (the stamp's frame, square or
# none, tells the cycles apart; a photo of the stamp is not reliable enough to use it).
HERMES_YEAR_LETTERS: dict[str, tuple[int, ...]] = {
    "A": (1997, 2017), "B": (1998, 2023), "C": (1999, 2018), "D": (2000, 2019), "E": (2001,),
    "F": (2002,), "G": (2003,), "H": (2004,), "I": (2005,), "J": (2006,), "K": (2007,),
    "L": (2008,), "M": (2009,), "N": (2010,), "O": (2011,), "P": (2012,), "Q": (2013,),
    "R": (2014,), "T": (2015,), "U": (2022,), "W": (2024,), "X": (2016,), "Y": (2020,),
    "Z": (2021,),
}  # fmt: skip
HERMES_SKIPPED_LETTERS = "".join(sorted(set(string.ascii_uppercase) - set(HERMES_YEAR_LETTERS)))


def _check_hermes(code: str, today: datetime.date) -> _Outcome:
    match = re.fullmatch(r"([A-Z]) ?(\d{2})", code)
    if match is None:
        return [
            SerialFinding(
                "bad_format",
                f"blind stamp '{code}' is not a year letter followed by a two-digit "
                "craftsman number",
            )
        ], {}
    letter, craftsman = match.groups()
    if craftsman == "00":
        return [
            SerialFinding(
                "bad_format", "craftsman number 00 is not a craftsman's mark; they start at 01"
            )
        ], {"year_letter": letter}
    decoded: dict[str, object] = {"year_letter": letter, "craftsman": int(craftsman)}
    if letter not in HERMES_YEAR_LETTERS:
        return [
            SerialFinding(
                "skipped_letter", f"year letter '{letter}' was never used in Hermès blind stamps"
            )
        ], decoded
    return [], decoded | {"years": list(HERMES_YEAR_LETTERS[letter])}


def _generate_hermes(rng: random.Random, violation: str | None) -> str:
    letter = rng.choice(sorted(HERMES_YEAR_LETTERS))
    craftsman = f"{rng.randint(1, 99):02d}"
    if violation == "skipped_letter":
        letter = rng.choice(HERMES_SKIPPED_LETTERS)
    elif violation == "bad_format":
        letter, craftsman = rng.choice(
            [
                (letter, craftsman[:1]),
                (letter, craftsman + rng.choice(string.digits)),
                (letter + rng.choice(sorted(HERMES_YEAR_LETTERS)), craftsman),
            ]
        )
    return f"{letter} {craftsman}"


# --------------------------------------------------------------------------------------------
# Gucci
# --------------------------------------------------------------------------------------------

# A sample of four-digit supplier codes seen on genuine tags.
GUCCI_SUPPLIERS = frozenset(
    "0416 0417 0926 0959 1000 1147 1669 1705 2067 2091 2149 2184 2684 3444 8563".split()
)


def _check_gucci(code: str, today: datetime.date) -> _Outcome:
    match = re.fullmatch(r"(\d{6}) (\d{4})", code)
    if match is None:
        return [
            SerialFinding(
                "bad_format",
                f"serial '{code}' is not a six-digit style number followed by a four-digit "
                "supplier code",
            )
        ], {}
    style, supplier = match.groups()
    decoded: dict[str, object] = {"style": style, "supplier": supplier}
    if supplier not in GUCCI_SUPPLIERS:
        return [
            SerialFinding(
                "bad_supplier", f"supplier code '{supplier}' is not a known Gucci supplier"
            )
        ], decoded
    return [], decoded


def _generate_gucci(rng: random.Random, violation: str | None) -> str:
    style, supplier = str(rng.randint(100000, 999999)), rng.choice(sorted(GUCCI_SUPPLIERS))
    if violation == "bad_supplier":
        supplier = f"{rng.randrange(10000):04d}"
        while supplier in GUCCI_SUPPLIERS:
            supplier = f"{rng.randrange(10000):04d}"
    elif violation == "bad_format":
        # Never ten digits in all, so no regrouping of the digits could make it valid.
        style_length, supplier_length = rng.choice([(5, 4), (6, 3), (7, 4), (6, 5)])
        style, supplier = _digits(rng, style_length), _digits(rng, supplier_length)
    return f"{style} {supplier}"


# --------------------------------------------------------------------------------------------
# Cartier
# --------------------------------------------------------------------------------------------

# A sample of the two-letter workshop codes that end genuine serials.
CARTIER_WORKSHOPS = frozenset("CD CE CF CX LT MX NX PL RD SX".split())


def _check_cartier(code: str, today: datetime.date) -> _Outcome:
    match = re.fullmatch(r"(\d{6})([A-Z]{2})", code.replace(" ", ""))
    if match is None:
        return [
            SerialFinding(
                "bad_format", f"serial '{code}' is not six digits followed by two letters"
            )
        ], {}
    number, workshop = match.groups()
    decoded: dict[str, object] = {"number": number, "workshop": workshop}
    if workshop not in CARTIER_WORKSHOPS:
        return [
            SerialFinding(
                "unknown_workshop", f"workshop code '{workshop}' is not a known Cartier workshop"
            )
        ], decoded
    return [], decoded


def _generate_cartier(rng: random.Random, violation: str | None) -> str:
    number, workshop = _digits(rng, 6), rng.choice(sorted(CARTIER_WORKSHOPS))
    if violation == "unknown_workshop":
        unknown = [a + b for a in _UNAMBIGUOUS_LETTERS for b in _UNAMBIGUOUS_LETTERS]
        workshop = rng.choice([w for w in unknown if w not in CARTIER_WORKSHOPS])
    elif violation == "bad_format":
        number, workshop = rng.choice(
            [
                (number[:5], workshop),
                (number + rng.choice(string.digits), workshop),
                (number, workshop[:1]),
                (number, workshop + rng.choice(_UNAMBIGUOUS_LETTERS)),
            ]
        )
    return number + workshop


# --------------------------------------------------------------------------------------------
# Rolex
# --------------------------------------------------------------------------------------------

# B, I, O and S would be misread for 8, 1, 0 and 5 (and the other way round) on a worn
# engraving; Q and U are left out as well.
ROLEX_UNUSED_LETTERS = "BIOQSU"
ROLEX_ALPHABET = "".join(
    c for c in string.digits + string.ascii_uppercase if c not in ROLEX_UNUSED_LETTERS
)


def _check_rolex(code: str, today: datetime.date) -> _Outcome:
    compact = code.replace(" ", "")
    findings = []
    unused = [c for c in dict.fromkeys(compact) if c in ROLEX_UNUSED_LETTERS]
    if unused:
        letters = ", ".join(f"'{c}'" for c in unused)
        findings.append(
            SerialFinding(
                "unused_letter",
                f"serial '{code}' contains {letters}, which Rolex never uses in serials",
            )
        )
    if len(compact) != 8:
        findings.append(
            SerialFinding(
                "bad_length", f"serial '{code}' has {len(compact)} characters instead of eight"
            )
        )
    return findings, {}


def _generate_rolex(rng: random.Random, violation: str | None) -> str:
    serial = "".join(rng.choice(ROLEX_ALPHABET) for _ in range(8))
    if violation == "unused_letter":
        # B, I, O and S would be read back as digits, so only Q and U can mark the copy.
        position = rng.randrange(8)
        return serial[:position] + rng.choice("QU") + serial[position + 1 :]
    if violation == "bad_length":
        return serial[:7] if rng.random() < 0.5 else serial + rng.choice(ROLEX_ALPHABET)
    return serial


# --------------------------------------------------------------------------------------------
# Omega and Patek Philippe: plain serial numbers
# --------------------------------------------------------------------------------------------


def _number_rules(
    brand: str, noun: str, length: int, length_word: str
) -> tuple[Callable[[str, datetime.date], _Outcome], Callable[[random.Random, str | None], str]]:
    """Rules for a brand whose serial is a plain number of a fixed length."""

    def check(code: str, today: datetime.date) -> _Outcome:
        compact = code.replace(" ", "")
        findings = []
        if not compact.isdigit():
            findings.append(
                SerialFinding(
                    "non_digit",
                    f"{noun} '{code}' contains {_letters_in(compact)}, but {brand} {noun}s "
                    "are digits only",
                )
            )
        if len(compact) != length:
            findings.append(
                SerialFinding(
                    "bad_length",
                    f"{noun} '{code}' has {len(compact)} characters instead of {length_word}",
                )
            )
        if not findings and compact.startswith("0"):
            findings.append(
                SerialFinding(
                    "leading_zero", f"{noun} '{code}' starts with 0; {brand} {noun}s never do"
                )
            )
        if findings:
            return findings, {}
        return [], {"number": int(compact)}

    def generate(rng: random.Random, violation: str | None) -> str:
        serial = rng.choice("123456789") + _digits(rng, length - 1)
        if violation == "non_digit":
            return _with_stray_letter(rng, serial)
        if violation == "bad_length":
            return _resized(rng, serial)
        if violation == "leading_zero":
            return "0" + serial[1:]
        return serial

    return check, generate


_check_omega, _generate_omega = _number_rules("Omega", "serial", 8, "eight")
_check_patek, _generate_patek = _number_rules("Patek Philippe", "movement number", 7, "seven")


# --------------------------------------------------------------------------------------------
# The brands together
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _BrandRules:
    # Printed shapes of a valid serial: "L" a letter, "D" a digit, "A" a character of the
    # brand's alphabet, " " a space that belongs to the format.
    shapes: tuple[str, ...]
    violations: tuple[str, ...]
    check: Callable[[str, datetime.date], _Outcome]
    generate: Callable[[random.Random, str | None], str]
    alphabet: str = ""


_RULES: dict[str, _BrandRules] = {
    "Louis Vuitton": _BrandRules(
        shapes=("LLDDDD",),
        violations=(
            "unknown_factory",
            "week_out_of_range",
            "bad_length",
            "year_in_future",
            "year_before_format",
        ),
        check=_check_louis_vuitton,
        generate=_generate_louis_vuitton,
    ),
    "Chanel": _BrandRules(
        shapes=("DDDDDDD", "DDDDDDDD"),
        violations=("bad_length", "non_digit", "period_mismatch", "unknown_series"),
        check=_check_chanel,
        generate=_generate_chanel,
    ),
    "Hermès": _BrandRules(
        shapes=("L DD",),
        violations=("skipped_letter", "bad_format"),
        check=_check_hermes,
        generate=_generate_hermes,
    ),
    "Gucci": _BrandRules(
        shapes=("DDDDDD DDDD",),
        violations=("bad_format", "bad_supplier"),
        check=_check_gucci,
        generate=_generate_gucci,
    ),
    "Cartier": _BrandRules(
        shapes=("DDDDDDLL",),
        violations=("bad_format", "unknown_workshop"),
        check=_check_cartier,
        generate=_generate_cartier,
    ),
    "Rolex": _BrandRules(
        shapes=("AAAAAAAA",),
        violations=("bad_length", "unused_letter"),
        check=_check_rolex,
        generate=_generate_rolex,
        alphabet=ROLEX_ALPHABET,
    ),
    "Omega": _BrandRules(
        shapes=("DDDDDDDD",),
        violations=("bad_length", "non_digit", "leading_zero"),
        check=_check_omega,
        generate=_generate_omega,
    ),
    "Patek Philippe": _BrandRules(
        shapes=("DDDDDDD",),
        violations=("bad_length", "non_digit", "leading_zero"),
        check=_check_patek,
        generate=_generate_patek,
    ),
}

SERIAL_VIOLATIONS: dict[str, tuple[str, ...]] = {
    brand: rules.violations for brand, rules in _RULES.items()
}


def _rules_for(brand: str) -> _BrandRules:
    try:
        return _RULES[brand]
    except KeyError:
        raise ValueError(
            f"No serial rules for brand {brand!r}; known brands: {', '.join(_RULES)}"
        ) from None


def _fit(compact: str, shape: str, alphabet: str) -> str | None:
    """``compact`` laid out in ``shape`` with look-alike characters fixed, or None."""
    positions = shape.replace(" ", "")
    if len(compact) != len(positions):
        return None
    fitted = []
    for char, kind in zip(compact, positions, strict=True):
        if kind == "D":
            char = _LETTER_AS_DIGIT.get(char, char)
            allowed = string.digits
        elif kind == "L":
            char = _DIGIT_AS_LETTER.get(char, char)
            allowed = string.ascii_uppercase
        else:
            if char not in alphabet:
                char = _LETTER_AS_DIGIT.get(char, char)
            allowed = alphabet
        if char not in allowed:
            return None
        fitted.append(char)
    chars = iter(fitted)
    return "".join(" " if kind == " " else next(chars) for kind in shape)


def serial_normalize(text: str, *, brand: str | None = None) -> str:
    """The serial as the brand prints it, from typed or OCR-read text.

    Uppercases, drops punctuation and spaces that are not part of the format, and fixes
    O/0, I/1, S/5, B/8, G/6 and Z/2 where the format allows only one of the two. Without a
    brand, the fix is made only if every brand whose format the text fits agrees on it;
    otherwise the characters are returned as read, without separators.
    """
    groups = re.findall(r"[A-Z0-9]+", text.upper())
    compact = "".join(groups)
    brands = [brand] if brand is not None else list(_RULES)
    fits = {
        fitted
        for name in brands
        for shape in _rules_for(name).shapes
        if (fitted := _fit(compact, shape, _rules_for(name).alphabet)) is not None
    }
    if len(fits) == 1:
        return fits.pop()
    # Unfit text keeps the reader's grouping, so a finding can quote it as it was written.
    return " ".join(groups) if brand is not None else compact


def serial_alphabet(brand: str) -> str:
    """The characters worth reading in the brand's serials, for an OCR engine's whitelist.

    Every digit and letter, except look-alike letters that the format turns into digits
    wherever they stand (O, I, S, B, G and Z in an all-digit serial): reading them gains
    nothing and only gives the engine a wrong answer to prefer.
    """
    rules = _rules_for(brand)
    kinds = {kind for shape in rules.shapes for kind in shape}

    def always_a_digit(letter: str) -> bool:
        if letter not in _LETTER_AS_DIGIT or "L" in kinds:
            return False
        return "A" not in kinds or letter not in rules.alphabet

    letters = [c for c in string.ascii_uppercase if not always_a_digit(c)]
    return string.digits + "".join(letters)


def serial_check(*, brand: str, serial: str, today: datetime.date | None = None) -> SerialCheck:
    """Check a typed or read serial against the brand's rules; every broken rule is a finding."""
    rules = _rules_for(brand)
    normalized = serial_normalize(serial, brand=brand)
    decoded: dict[str, object]
    if not normalized:
        findings, decoded = [SerialFinding("missing", "no serial or date code was given")], {}
    else:
        findings, decoded = rules.check(normalized, today or datetime.date.today())
    return SerialCheck(
        brand=brand,
        serial=serial,
        normalized=normalized,
        ok=not findings,
        findings=tuple(findings),
        decoded=decoded,
    )


def serial_generate(*, brand: str, rng: random.Random, violation: str | None = None) -> str:
    """A serial in the brand's printed form: valid, or breaking exactly ``violation``."""
    rules = _rules_for(brand)
    if violation is not None and violation not in rules.violations:
        raise ValueError(
            f"{brand} serials have no violation {violation!r}; "
            f"choose from {', '.join(rules.violations)}"
        )
    return rules.generate(rng, violation)


def serial_compare(
    *, typed: str, read: str, brand: str | None = None
) -> Literal["match", "mismatch", "typed_missing", "unread"]:
    """Whether the code the buyer typed is the one read from the photo.

    Spaces never decide: no brand tells two serials apart by grouping alone.
    """
    typed_code = serial_normalize(typed, brand=brand).replace(" ", "")
    read_code = serial_normalize(read, brand=brand).replace(" ", "")
    if not typed_code:
        return "typed_missing"
    if not read_code:
        return "unread"
    return "match" if typed_code == read_code else "mismatch"
