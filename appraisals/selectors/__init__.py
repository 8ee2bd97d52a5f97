"""Read-side queries of the appraisals app, one module per part of the domain."""

from appraisals.selectors.submissions import (
    brand_list,
    category_list,
    product_model_search,
    submission_events,
    submission_get_for_owner,
    submission_list_for_owner,
    submission_photo_get,
    submission_photos,
    submission_slot_get,
    submissions_bot_review_stalled,
    submissions_prescreen_stalled,
    submissions_stalled,
)

__all__ = [
    "brand_list",
    "category_list",
    "product_model_search",
    "submission_events",
    "submission_get_for_owner",
    "submission_list_for_owner",
    "submission_photo_get",
    "submission_photos",
    "submission_slot_get",
    "submissions_bot_review_stalled",
    "submissions_prescreen_stalled",
    "submissions_stalled",
]
