"""Query-string forms of the panel fragments."""

from __future__ import annotations

from typing import Any

from django import forms

from studio.forms import MAX_IMAGE_SIDE, PathField

MAX_SEARCH_LENGTH = 100


class PanelSlideForm(forms.Form):
    """`?slide=`: the selected slide, empty when nothing is selected yet."""

    slide = PathField(required=False)


class BrowserForm(forms.Form):
    """Without `folder` the browser opens at the selected slide's folder (a `?slide=` link
    shows where the slide is); `folder=` (empty) is the top, "All slides"."""

    folder = PathField(required=False)
    slide = PathField(required=False)
    q = forms.CharField(required=False, max_length=MAX_SEARCH_LENGTH)
    view = forms.ChoiceField(required=False, choices=[("list", "List"), ("gallery", "Gallery")])
    page = forms.IntegerField(required=False, min_value=1)

    def clean_view(self) -> str:
        return self.cleaned_data["view"] or "list"

    def clean_page(self) -> int:
        return self.cleaned_data["page"] or 1

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "folder" not in self.data and data.get("slide"):
            data["folder"] = data["slide"].rpartition("/")[0]
        return data


class TokenForm(forms.Form):
    token = forms.CharField(max_length=2000)


class TokenImageForm(TokenForm):
    w = forms.IntegerField(required=False, min_value=0, max_value=MAX_IMAGE_SIDE)
    h = forms.IntegerField(required=False, min_value=0, max_value=MAX_IMAGE_SIDE)
