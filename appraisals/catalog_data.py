"""The catalog the platform ships with: categories, their photo slots, brands and models.

Staff refine it in the admin; ``manage.py load_demo`` loads it idempotently.
"""

from __future__ import annotations

from typing import TypedDict


class SlotSpec(TypedDict):
    code: str
    name: str
    instruction: str
    required: bool


class CategorySpec(TypedDict):
    slug: str
    name: str
    description: str
    slots: list[SlotSpec]


CATEGORIES: list[CategorySpec] = [
    {
        "slug": "handbag",
        "name": "Handbag",
        "description": "Bags, clutches and small leather goods.",
        "slots": [
            {
                "code": "front",
                "name": "Front",
                "required": True,
                "instruction": "Stand the bag upright on a plain surface and shoot it straight "
                "on, the whole bag filling the frame. Daylight, no flash.",
            },
            {
                "code": "back",
                "name": "Back",
                "required": True,
                "instruction": "Turn the bag around and shoot the back the same way, straight on "
                "and filling the frame.",
            },
            {
                "code": "brand_stamp",
                "name": "Brand stamp",
                "required": True,
                "instruction": "Fill the frame with the heat stamp or embossed logo. Light from "
                "the side so the letters cast small shadows; keep the phone parallel.",
            },
            {
                "code": "stitching",
                "name": "Stitching close-up",
                "required": True,
                "instruction": "Get close to a seam on the front or handle so that 8-10 stitches "
                "fill the width of the photo. Tap to focus on the thread.",
            },
            {
                "code": "hardware_engraving",
                "name": "Hardware engraving",
                "required": True,
                "instruction": "Photograph the engraving on the zip pull, clasp or feet. Tilt "
                "slightly to avoid reflections; the letters must be sharp.",
            },
            {
                "code": "date_code",
                "name": "Serial / date-code tag",
                "required": True,
                "instruction": "Find the serial or date-code tag inside the bag and fill the "
                "frame with it. Use a lamp if the interior is dark.",
            },
            {
                "code": "interior_label",
                "name": "Interior label",
                "required": False,
                "instruction": "Open the bag and shoot the interior label or stamp, straight on "
                "and in focus.",
            },
        ],
    },
    {
        "slug": "watch",
        "name": "Watch",
        "description": "Wristwatches, mechanical and quartz.",
        "slots": [
            {
                "code": "dial",
                "name": "Dial",
                "required": True,
                "instruction": "Shoot the dial straight on, filling the frame, with no glare on "
                "the crystal: turn away from windows and lamps.",
            },
            {
                "code": "caseback",
                "name": "Caseback",
                "required": True,
                "instruction": "Turn the watch over and photograph the whole caseback, in focus "
                "on the engravings.",
            },
            {
                "code": "crown",
                "name": "Crown",
                "required": True,
                "instruction": "Close-up of the crown from the side so its logo and fluting are "
                "sharp.",
            },
            {
                "code": "clasp",
                "name": "Clasp",
                "required": True,
                "instruction": "Open the bracelet or strap and photograph the clasp or buckle "
                "with its engraving facing the camera.",
            },
            {
                "code": "serial_engraving",
                "name": "Serial / reference engraving",
                "required": True,
                "instruction": "Photograph the serial or reference number, between the lugs or "
                "on the caseback, as close as your phone can focus.",
            },
            {
                "code": "side_profile",
                "name": "Side profile",
                "required": False,
                "instruction": "Lay the watch on its side and shoot the case profile with the "
                "crown facing up.",
            },
        ],
    },
]

# Brand -> categories it is authenticated in -> (model name, reference, typical pre-owned
# value in EUR). The values only steer the pre-screen's routing (a second expert above a
# threshold); valuation proper is a later capability.
BRANDS: dict[str, dict[str, list[tuple[str, str, int]]]] = {
    "Chanel": {
        "handbag": [
            ("Classic Flap Medium", "A01112", 9000),
            ("Boy Bag", "A67086", 5000),
            ("2.55 Reissue", "A37586", 7500),
        ]
    },
    "Hermès": {
        "handbag": [
            ("Birkin 30", "", 25000),
            ("Kelly 28", "", 20000),
            ("Constance 24", "", 12000),
            ("Evelyne PM", "", 3000),
        ]
    },
    "Louis Vuitton": {
        "handbag": [
            ("Speedy 30", "M41108", 900),
            ("Neverfull MM", "M40995", 1300),
            ("Alma PM", "M53151", 1100),
            ("Pochette Métis", "M44875", 2500),
        ]
    },
    "Gucci": {
        "handbag": [
            ("Marmont Small", "443497", 1400),
            ("Jackie 1961", "636709", 1800),
            ("Dionysus", "400249", 1600),
        ]
    },
    "Cartier": {
        "watch": [
            ("Santos de Cartier", "WSSA0018", 6500),
            ("Tank Must", "WSTA0041", 2800),
            ("Ballon Bleu 36", "WSBB0046", 5000),
        ],
        "handbag": [("Panthère de Cartier", "", 3000)],
    },
    "Rolex": {
        "watch": [
            ("Submariner Date", "126610LN", 13000),
            ("Datejust 41", "126334", 11000),
            ("GMT-Master II", "126710BLRO", 20000),
            ("Daytona", "116500LN", 28000),
        ]
    },
    "Omega": {
        "watch": [
            ("Speedmaster Moonwatch", "310.30.42.50.01.001", 6000),
            ("Seamaster Diver 300M", "210.30.42.20.01.001", 4500),
        ]
    },
    "Patek Philippe": {"watch": [("Nautilus", "5711/1A", 110000), ("Calatrava", "5227G", 25000)]},
}
