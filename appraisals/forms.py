"""Forms of the guided submission wizard and of the expert's case page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from appraisals.models import (
    Brand,
    Category,
    ConditionGrade,
    Feature,
    FindingResult,
    ProductModel,
    SubmissionPhoto,
    Tier,
    Verdict,
)


class ItemForm(forms.Form):
    """Step 1: what the item is."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
        label=_("Category"),
        error_messages={"required": _("Choose what kind of item it is.")},
    )
    brand = forms.ModelChoiceField(
        queryset=Brand.objects.none(),
        empty_label=_("Choose a brand"),
        label=_("Brand"),
        error_messages={
            "required": _("Choose the brand."),
            "invalid_choice": _("Choose one of the brands listed for this category."),
        },
    )
    product_model = forms.ModelChoiceField(
        queryset=ProductModel.objects.none(),
        required=False,
        empty_label=_("Not listed / I don't know"),
        label=_("Model"),
        error_messages={"invalid_choice": _("Choose one of the models listed for this brand.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.chosen("category", Category)
        brand = self.chosen("brand", Brand)
        # self.fields holds Field; these two are the ModelChoiceFields declared above.
        brands = cast("forms.ModelChoiceField[Brand]", self.fields["brand"])
        brands.queryset = (
            Brand.objects.filter(categories=category) if category else Brand.objects.all()
        )
        models = ProductModel.objects.select_related("brand")
        if category and brand:
            models = models.filter(category=category, brand=brand)
        else:
            models = models.none()
        cast("forms.ModelChoiceField[ProductModel]", self.fields["product_model"]).queryset = models

    def chosen(self, name: str, model: type[Category] | type[Brand]) -> Any:
        raw = self.data.get(name) if self.is_bound else self.initial.get(name)
        if isinstance(raw, model):
            return raw
        try:
            return model.objects.filter(pk=int(raw)).first() if raw else None
        except (TypeError, ValueError):
            return None


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class BatchPhotoForm(forms.Form):
    """Several photos at once, assigned to the empty slots in order.

    The view reads the files itself (``request.FILES.getlist``), so each can be refused on
    its own; this form only renders the picker.
    """

    photos = forms.FileField(
        widget=MultiplePhotoInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic"}
        )
    )


class MovePhotoForm(forms.Form):
    slot = forms.SlugField()


class DetailsForm(forms.Form):
    """Steps 3 and 4: the serial or date code, and the service tier."""

    serial_code = forms.CharField(
        max_length=40,
        required=False,
        label=_("Serial or date code (optional)"),
        help_text=_(
            "As printed or stamped on the item, e.g. AR1234 or 83 4172. Leave empty "
            "if you can't find it; our experts will read it from your photos."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    declared_value_eur = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000_000,
        label=_("Declared value in EUR (optional)"),
        help_text=_(
            "What the item is worth to you. Above a set value a second expert checks it "
            "independently."
        ),
    )
    tier = forms.ChoiceField(
        choices=Tier.choices,
        widget=forms.RadioSelect,
        label=_("Service"),
        error_messages={"required": _("Choose standard, priority or express.")},
    )


class PaymentForm(forms.Form):
    """Step 5 when the case has a fee: the points the member applies to it (billing checks
    the balance and the cap, and says so)."""

    points = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=1_000_000,
        label=_("Points to apply"),
        error_messages={"invalid": _("Give a whole number of points, or leave it empty.")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "step": 1}),
    )
    # The price the page showed, in cents: a click never pays (or skips paying) a price the
    # member didn't see.
    price_seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


# --- The expert's case page (admin) ---------------------------------------------------------


class PhotoChoiceField(forms.ModelChoiceField):  # Django's class takes no [SubmissionPhoto]
    """A photo of the case, named by its slot."""

    def label_from_instance(self, obj: SubmissionPhoto) -> str:
        return obj.slot.name


class FindingForm(forms.Form):
    """One feature's finding; the form's prefix is the feature code."""

    result = forms.ChoiceField(
        choices=FindingResult.choices, widget=forms.RadioSelect, required=False
    )
    reason = forms.CharField(max_length=300, required=False)
    photo = PhotoChoiceField(
        queryset=SubmissionPhoto.objects.none(), required=False, empty_label=_("(no photo)")
    )
    region_x = forms.FloatField(required=False, min_value=0, max_value=1)
    region_y = forms.FloatField(required=False, min_value=0, max_value=1)
    region_w = forms.FloatField(required=False, min_value=0, max_value=1)
    region_h = forms.FloatField(required=False, min_value=0, max_value=1)

    def __init__(
        self, *args: Any, feature: Feature, photos: QuerySet[SubmissionPhoto], **kwargs: Any
    ) -> None:
        kwargs["prefix"] = feature.value
        super().__init__(*args, **kwargs)
        self.feature = feature
        cast(PhotoChoiceField, self.fields["photo"]).queryset = photos

    @property
    def filled(self) -> bool:
        return bool(self.cleaned_data.get("result"))

    def region(self) -> dict[str, float] | None:
        values = [self.cleaned_data.get(f"region_{k}") for k in "xywh"]
        if all(v is None for v in values):
            return None
        if any(v is None for v in values):
            raise forms.ValidationError(_("Give all four of x, y, w and h, or none."))
        return dict(zip("xywh", values, strict=True))  # type: ignore[arg-type]


class ConditionForm(forms.Form):
    grade = forms.ChoiceField(choices=[("", "—"), *ConditionGrade.choices], required=False)
    wear_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    repairs = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    replaced_parts = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SignForm(forms.Form):
    verdict = forms.ChoiceField(choices=Verdict.choices, widget=forms.RadioSelect)
    verdict_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Required for inconclusive: the buyer is refunded."),
    )


class PhotoRequestForm(forms.Form):
    slots = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple)
    message = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, slot_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["slots"]).choices = slot_choices
