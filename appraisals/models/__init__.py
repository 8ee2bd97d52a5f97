"""The appraisals app's models, one module per part of the domain.

Everything is re-exported here, so ``from appraisals.models import Submission`` works and the
migrations' references (``appraisals.models._photo_path``) keep resolving.
"""

from appraisals.models.catalog import Brand, Category, PhotoSlot, ProductModel, _slot_example_path
from appraisals.models.prescreen import Band, PreScreen, PreScreenPhoto
from appraisals.models.references import ReferencePhoto, _reference_photo_path
from appraisals.models.reports import NpsResponse, Report, ReportFeedback, ReportImmutable
from appraisals.models.reviews import (
    ConditionGrade,
    Feature,
    Finding,
    FindingResult,
    PhotoRequest,
    Reappraisal,
    Review,
    Verdict,
)
from appraisals.models.submissions import (
    TIER_TURNAROUND,
    Status,
    Submission,
    SubmissionEvent,
    SubmissionPhoto,
    Tier,
    _photo_path,
    serial_mask,
    serial_normalise,
)

__all__ = [
    "TIER_TURNAROUND",
    "Band",
    "Brand",
    "Category",
    "ConditionGrade",
    "Feature",
    "Finding",
    "FindingResult",
    "NpsResponse",
    "PhotoRequest",
    "Reappraisal",
    "ReferencePhoto",
    "Report",
    "ReportFeedback",
    "ReportImmutable",
    "Review",
    "Verdict",
    "PhotoSlot",
    "PreScreen",
    "PreScreenPhoto",
    "ProductModel",
    "Status",
    "Submission",
    "SubmissionEvent",
    "SubmissionPhoto",
    "Tier",
    "_photo_path",
    "_reference_photo_path",
    "_slot_example_path",
    "serial_mask",
    "serial_normalise",
]
