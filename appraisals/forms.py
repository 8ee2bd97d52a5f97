"""Forms of the guided submission wizard."""

from __future__ import annotations

from typing import Any

from django import forms

from appraisals.models import Brand, Category, ProductModel, Tier


class ItemForm(forms.Form):
    """Step 1: what the item is."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), widget=forms.RadioSelect, empty_label=None
    )
    brand = forms.ModelChoiceField(queryset=Brand.objects.none(), empty_label="Choose a brand")
    product_model = forms.ModelChoiceField(
        queryset=ProductModel.objects.none(),
        required=False,
        empty_label="Not listed / I don't know",
        label="Model",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.chosen("category", Category)
        brand = self.chosen("brand", Brand)
        self.fields["brand"].queryset = (
            Brand.objects.filter(categories=category) if category else Brand.objects.all()
        )
        models = ProductModel.objects.select_related("brand")
        if category and brand:
            models = models.filter(category=category, brand=brand)
        else:
            models = models.none()
        self.fields["product_model"].queryset = models

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
        label="Serial or date code (optional)",
        help_text="As printed or stamped on the item, e.g. AR1234 or 83 4172. Leave empty "
        "if you can't find it; our experts will read it from your photos.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    tier = forms.ChoiceField(choices=Tier.choices, widget=forms.RadioSelect, label="Service")
