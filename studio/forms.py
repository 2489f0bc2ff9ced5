"""Query-string forms of the studio's pages and image routes."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from studio.lib.paths import clean_virtual_path

MAX_IMAGE_SIDE = 2048


def validate_virtual_path(value: str) -> None:
    try:
        clean_virtual_path(value)
    except ValueError as e:
        raise ValidationError(str(e)) from e


class PathField(forms.CharField):
    default_validators = [validate_virtual_path]

    def __init__(self, **kwargs: object) -> None:
        # Paths are case- and space-sensitive: keep them exactly as sent.
        super().__init__(strip=False, max_length=1024, **kwargs)  # type: ignore[arg-type]

    def clean(self, value: object) -> str:
        return super().clean(value).removesuffix("/")


class FolderForm(forms.Form):
    folder = PathField(required=False)


class SlideForm(forms.Form):
    slide = PathField()


class ImageForm(SlideForm):
    w = forms.IntegerField(required=False, min_value=0, max_value=MAX_IMAGE_SIDE)
    h = forms.IntegerField(required=False, min_value=0, max_value=MAX_IMAGE_SIDE)


def form_errors(form: forms.Form) -> str:
    """The form's errors as one line of text, for plain-text 400 answers."""
    return "; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items())
