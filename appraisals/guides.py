"""Short public guides, one per feature an expert judges: "learn how this was judged".

Until the community's knowledge base exists, every report links each finding here.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from appraisals.models import Feature

GUIDES: dict[str, list[Promise]] = {
    Feature.BRAND_STAMP: [
        _(
            "Makers stamp, print or engrave their name with a specific typeface, letter "
            "spacing, stroke weight and height. Experts compare these with reference items of "
            "the same period."
        ),
        _(
            "Counterfeits often get one of them slightly wrong: letters set a little too far "
            "apart, a heavier stroke, or a letter shape from another typeface."
        ),
    ],
    Feature.STITCHING: [
        _(
            "Genuine stitching has an even pitch (stitches per centimetre) and a consistent "
            "slant, set by the maker's machines and hand-finishing."
        ),
        _("Uneven spacing, a wrong angle or loose thread ends are common signs of a copy."),
    ],
    Feature.HARDWARE: [
        _(
            "Zips, clasps, buckles and watch casebacks carry engravings with a known depth and "
            "crisp edges."
        ),
        _("Shallow, rounded or blurry engravings suggest casting instead of machining."),
    ],
    Feature.SERIAL: [
        _(
            "Serial and date codes follow each brand's format: which letters and digits, in "
            "which order, and which weeks, years and factory codes exist."
        ),
        _(
            "A code that breaks these rules (for example a week 54) cannot come from the "
            "maker. A valid code alone proves nothing: codes are copied."
        ),
    ],
    Feature.MATERIAL: [
        _(
            "Leather grain, canvas weave and metal finish are judged from close-ups under even "
            "light, against reference items."
        ),
        _(
            "Grain that is too regular, a plastic sheen or the wrong colour in daylight are "
            "warning signs."
        ),
    ],
    Feature.CONSTRUCTION: [
        _(
            "Proportions, panel shapes, edge finishing and how parts are joined follow the "
            "model's pattern."
        ),
        _("Experts compare outline and construction with the catalogued model line."),
    ],
}
