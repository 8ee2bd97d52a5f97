"""The catalog the platform ships with: categories, their photo slots, brands and models.

Staff refine it in the admin; ``manage.py load_demo`` loads it idempotently. Every name has a
Simplified Chinese twin (``*_zh_hans``): the names Chinese buyers and the trade commonly use.
"""

from __future__ import annotations

from typing import NamedTuple, TypedDict


class SlotSpec(TypedDict):
    code: str
    name: str
    name_zh_hans: str
    instruction: str
    instruction_zh_hans: str
    required: bool


class CategorySpec(TypedDict):
    slug: str
    name: str
    name_zh_hans: str
    description: str
    description_zh_hans: str
    slots: list[SlotSpec]


class ModelSpec(NamedTuple):
    name: str
    name_zh_hans: str
    reference: str
    # A typical pre-owned value in EUR; it only steers the pre-screen's routing (a second
    # expert above a threshold); valuation proper is a later capability.
    typical_value_eur: int


class BrandSpec(TypedDict):
    name_zh_hans: str
    models: dict[str, list[ModelSpec]]  # category slug -> the brand's models in it


CATEGORIES: list[CategorySpec] = [
    {
        "slug": "handbag",
        "name": "Handbag",
        "name_zh_hans": "手袋",
        "description": "Bags, clutches and small leather goods.",
        "description_zh_hans": "手提包、手拿包及小皮件。",
        "slots": [
            {
                "code": "front",
                "name": "Front",
                "name_zh_hans": "正面",
                "required": True,
                "instruction": "Stand the bag upright on a plain surface and shoot it straight "
                "on, the whole bag filling the frame. Daylight, no flash.",
                "instruction_zh_hans": "将包竖直放在素色平面上，正对拍摄，让整只包填满画面。"
                "使用自然光，不要开闪光灯。",
            },
            {
                "code": "back",
                "name": "Back",
                "name_zh_hans": "背面",
                "required": True,
                "instruction": "Turn the bag around and shoot the back the same way, straight on "
                "and filling the frame.",
                "instruction_zh_hans": "将包转过来，用同样的方式正对拍摄背面，让包填满画面。",
            },
            {
                "code": "brand_stamp",
                "name": "Brand stamp",
                "name_zh_hans": "品牌压印",
                "required": True,
                "instruction": "Fill the frame with the heat stamp or embossed logo. Light from "
                "the side so the letters cast small shadows; keep the phone parallel.",
                "instruction_zh_hans": "让烫印或压纹标志填满画面。"
                "从侧面打光，使字母投下细小的阴影；手机与表面保持平行。",
            },
            {
                "code": "stitching",
                "name": "Stitching close-up",
                "name_zh_hans": "缝线特写",
                "required": True,
                "instruction": "Get close to a seam on the front or handle so that 8-10 stitches "
                "fill the width of the photo. Tap to focus on the thread.",
                "instruction_zh_hans": "靠近包身正面或提手上的一段缝线拍摄，"
                "让 8 到 10 针缝线占满照片的宽度。点按屏幕对焦在缝线上。",
            },
            {
                "code": "hardware_engraving",
                "name": "Hardware engraving",
                "name_zh_hans": "五金刻印",
                "required": True,
                "instruction": "Photograph the engraving on the zip pull, clasp or feet. Tilt "
                "slightly to avoid reflections; the letters must be sharp.",
                "instruction_zh_hans": "拍摄拉链头、锁扣或包底铆钉上的刻印。稍微倾斜以避免反光；"
                "字母必须清晰。",
            },
            {
                "code": "date_code",
                "name": "Serial / date-code tag",
                "name_zh_hans": "序列号/日期码标签",
                "required": True,
                "instruction": "Find the serial or date-code tag inside the bag and fill the "
                "frame with it. Use a lamp if the interior is dark.",
                "instruction_zh_hans": "找到包内的序列号或日期码标签，让它填满画面。"
                "内部较暗时请用台灯照明。",
            },
            {
                "code": "interior_label",
                "name": "Interior label",
                "name_zh_hans": "内衬标签",
                "required": False,
                "instruction": "Open the bag and shoot the interior label or stamp, straight on "
                "and in focus.",
                "instruction_zh_hans": "打开包，正对拍摄内衬标签或压印，确保对焦清晰。",
            },
        ],
    },
    {
        "slug": "watch",
        "name": "Watch",
        "name_zh_hans": "腕表",
        "description": "Wristwatches, mechanical and quartz.",
        "description_zh_hans": "机械及石英腕表。",
        "slots": [
            {
                "code": "dial",
                "name": "Dial",
                "name_zh_hans": "表盘",
                "required": True,
                "instruction": "Shoot the dial straight on, filling the frame, with no glare on "
                "the crystal: turn away from windows and lamps.",
                "instruction_zh_hans": ""
                "正对拍摄表盘并让它填满画面，表镜上不能有反光：请背对窗户和灯光。",
            },
            {
                "code": "caseback",
                "name": "Caseback",
                "name_zh_hans": "表背",
                "required": True,
                "instruction": "Turn the watch over and photograph the whole caseback, in focus "
                "on the engravings.",
                "instruction_zh_hans": "把表翻过来，拍摄完整的表背，对焦在刻字上。",
            },
            {
                "code": "crown",
                "name": "Crown",
                "name_zh_hans": "表冠",
                "required": True,
                "instruction": "Close-up of the crown from the side so its logo and fluting are "
                "sharp.",
                "instruction_zh_hans": "从侧面近距离拍摄表冠，使其标志和坑纹清晰可见。",
            },
            {
                "code": "clasp",
                "name": "Clasp",
                "name_zh_hans": "表扣",
                "required": True,
                "instruction": "Open the bracelet or strap and photograph the clasp or buckle "
                "with its engraving facing the camera.",
                "instruction_zh_hans": "打开表链或表带，拍摄折叠扣或针扣，让刻印朝向镜头。",
            },
            {
                "code": "serial_engraving",
                "name": "Serial / reference engraving",
                "name_zh_hans": "序列号/型号刻印",
                "required": True,
                "instruction": "Photograph the serial or reference number, between the lugs or "
                "on the caseback, as close as your phone can focus.",
                "instruction_zh_hans": ""
                "拍摄表耳之间或表背上的序列号或型号编号，在手机能对焦的范围内尽量靠近。",
            },
            {
                "code": "side_profile",
                "name": "Side profile",
                "name_zh_hans": "侧面",
                "required": False,
                "instruction": "Lay the watch on its side and shoot the case profile with the "
                "crown facing up.",
                "instruction_zh_hans": "将表侧放，表冠朝上，拍摄表壳的侧面轮廓。",
            },
        ],
    },
]

# Brand -> its Chinese name and, per category it is authenticated in, its models.
BRANDS: dict[str, BrandSpec] = {
    "Chanel": {
        "name_zh_hans": "香奈儿",
        "models": {
            "handbag": [
                ModelSpec("Classic Flap Medium", "经典口盖包 中号", "A01112", 9000),
                ModelSpec("Boy Bag", "Boy 手袋", "A67086", 5000),
                ModelSpec("2.55 Reissue", "2.55 复刻版", "A37586", 7500),
            ],
        },
    },
    "Hermès": {
        "name_zh_hans": "爱马仕",
        "models": {
            "handbag": [
                ModelSpec("Birkin 30", "铂金包 30", "", 25000),
                ModelSpec("Kelly 28", "凯莉包 28", "", 20000),
                ModelSpec("Constance 24", "康斯坦斯 24", "", 12000),
                ModelSpec("Evelyne PM", "伊芙琳 小号", "", 3000),
            ],
        },
    },
    "Louis Vuitton": {
        "name_zh_hans": "路易威登",
        "models": {
            "handbag": [
                ModelSpec("Speedy 30", "Speedy 枕头包 30", "M41108", 900),
                ModelSpec("Neverfull MM", "Neverfull 购物袋 中号", "M40995", 1300),
                ModelSpec("Alma PM", "Alma 贝壳包 小号", "M53151", 1100),
                ModelSpec("Pochette Métis", "Pochette Métis 邮差包", "M44875", 2500),
            ],
        },
    },
    "Gucci": {
        "name_zh_hans": "古驰",
        "models": {
            "handbag": [
                ModelSpec("Marmont Small", "GG Marmont 马蒙 小号", "443497", 1400),
                ModelSpec("Jackie 1961", "Jackie 1961 腋下包", "636709", 1800),
                ModelSpec("Dionysus", "酒神包", "400249", 1600),
            ],
        },
    },
    "Cartier": {
        "name_zh_hans": "卡地亚",
        "models": {
            "watch": [
                ModelSpec("Santos de Cartier", "山度士", "WSSA0018", 6500),
                ModelSpec("Tank Must", "Tank Must 坦克", "WSTA0041", 2800),
                ModelSpec("Ballon Bleu 36", "蓝气球 36", "WSBB0046", 5000),
            ],
            "handbag": [
                ModelSpec("Panthère de Cartier", "猎豹手袋", "", 3000),
            ],
        },
    },
    "Rolex": {
        "name_zh_hans": "劳力士",
        "models": {
            "watch": [
                ModelSpec("Submariner Date", "潜航者型 日历", "126610LN", 13000),
                ModelSpec("Datejust 41", "日志型 41", "126334", 11000),
                ModelSpec("GMT-Master II", "格林尼治型 II", "126710BLRO", 20000),
                ModelSpec("Daytona", "迪通拿", "116500LN", 28000),
            ],
        },
    },
    "Omega": {
        "name_zh_hans": "欧米茄",
        "models": {
            "watch": [
                ModelSpec("Speedmaster Moonwatch", "超霸 登月表", "310.30.42.50.01.001", 6000),
                ModelSpec("Seamaster Diver 300M", "海马 潜水 300 米", "210.30.42.20.01.001", 4500),
            ],
        },
    },
    "Patek Philippe": {
        "name_zh_hans": "百达翡丽",
        "models": {
            "watch": [
                ModelSpec("Nautilus", "鹦鹉螺", "5711/1A", 110000),
                ModelSpec("Calatrava", "卡拉特拉瓦", "5227G", 25000),
            ],
        },
    },
}
