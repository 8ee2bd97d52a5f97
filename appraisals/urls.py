from django.urls import path

from appraisals.views import references
from appraisals.views import submissions as views

app_name = "appraisals"

urlpatterns = [
    path("", views.submission_list, name="submission-list"),
    path("new/", views.submission_start_view, name="submission-start"),
    path("catalog-options/", views.catalog_options, name="catalog-options"),
    path("<uuid:uid>/", views.submission_detail, name="submission-detail"),
    path("<uuid:uid>/timeline/", views.submission_timeline, name="submission-timeline"),
    path("<uuid:uid>/item/", views.submission_item, name="submission-item"),
    path("<uuid:uid>/photos/", views.submission_photos, name="submission-photos"),
    path(
        "<uuid:uid>/photos/continue/",
        views.submission_photos_continue,
        name="submission-photos-continue",
    ),
    path(
        "<uuid:uid>/photos/batch/",
        views.submission_photos_batch_view,
        name="submission-photos-batch",
    ),
    path(
        "<uuid:uid>/photos/slot/<slug:slot_code>/",
        views.submission_photo_upload_view,
        name="submission-photo-upload",
    ),
    path(
        "<uuid:uid>/photos/<int:photo_id>/move/",
        views.submission_photo_move_view,
        name="submission-photo-move",
    ),
    path(
        "<uuid:uid>/photos/<int:photo_id>/delete/",
        views.submission_photo_delete_view,
        name="submission-photo-delete",
    ),
    path(
        "<uuid:uid>/photos/<int:photo_id>/image.jpg",
        views.submission_photo_image,
        name="submission-photo-image",
    ),
    path(
        "references/<int:reference_id>/image.jpg",
        references.reference_image,
        name="reference-image",
    ),
    path("<uuid:uid>/details/", views.submission_details, name="submission-details"),
    path("<uuid:uid>/review/", views.submission_review, name="submission-review"),
    path("<uuid:uid>/cancel/", views.submission_cancel_view, name="submission-cancel"),
]
