"""Forms of the share pages, the integrator API and the admin."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sharing.lib.paths import clean_path, near_square_grid
from sharing.models import MAX_GRID_CELLS, Share, grid_problem

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})


class PasswordForm(forms.Form):
    password = forms.CharField(
        max_length=128, strip=False, widget=forms.PasswordInput(attrs={"autofocus": True})
    )


class StrictBooleanField(forms.Field):
    """true/false, 1/0, yes/no, on/off; anything else is an error; absent is `absent`."""

    def __init__(self, *, absent: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.absent = absent

    def to_python(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if value in (None, ""):
            return self.absent
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise forms.ValidationError("Use true or false.")


class ShareQueryForm(forms.Form):
    """The query string of a share page: `?embed=1` drops the studio's chrome."""

    embed = StrictBooleanField(required=False)


class FutureDateTimeField(forms.Field):
    """An ISO 8601 date and time in the future; without an offset it is UTC."""

    def to_python(self, value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
        if parsed is None:
            raise forms.ValidationError("Use an ISO 8601 date and time, e.g. 2030-01-31T17:00Z.")
        if timezone.is_naive(parsed):
            parsed = parsed.replace(tzinfo=UTC)
        try:
            # In UTC, as it is stored; the last day of year 9999 east of UTC is year 10000.
            return parsed.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("The expiry is too far in the future.") from None

    def validate(self, value: datetime | None) -> None:
        super().validate(value)
        if value is not None and value <= timezone.now():
            raise forms.ValidationError("The expiry must be in the future.")


class PathField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=1024, **kwargs)

    def clean(self, value: Any) -> str:
        text = super().clean(value)
        try:
            return clean_path(text) if text else text
        except ValueError as e:
            raise forms.ValidationError(str(e)) from None


class ShareFolderForm(forms.Form):
    """Which subfolder of a folder link the mini-browser shows (the shared folder if empty)."""

    folder = PathField(required=False)


class PathListField(forms.Field):
    """Slide paths or UIDs: a list, a JSON array, or comma-separated text."""

    def to_python(self, value: Any) -> list[str]:
        items = value if isinstance(value, list) else [value]
        paths: list[str] = []
        for item in items:
            if item is None or item == "":
                continue
            if isinstance(item, str) and item.lstrip().startswith("["):
                try:
                    item = json.loads(item)
                except ValueError:
                    raise forms.ValidationError("Not a valid JSON array.") from None
            parts = item if isinstance(item, list) else str(item).split(",")
            paths.extend(str(part).strip() for part in parts if str(part).strip())
        return paths

    def validate(self, value: list[str]) -> None:
        if not value:
            raise forms.ValidationError("Give at least one slide.")
        if len(value) > MAX_GRID_CELLS:
            raise forms.ValidationError(f"A grid holds at most {MAX_GRID_CELLS} slides.")
        for path in value:
            try:
                clean_path(path)
            except ValueError as e:
                raise forms.ValidationError(str(e)) from None


class ShareOptionsForm(forms.Form):
    """Options every kind of link takes."""

    password = forms.CharField(required=False, max_length=128, strip=False)
    expires_at = FutureDateTimeField(required=False)
    include_annotations = StrictBooleanField(required=False)
    # Off unless asked for: labels carry the barcode and often the patient's name.
    include_label_and_macro = StrictBooleanField(required=False)
    label = forms.CharField(required=False, max_length=200)


class SlideLinkForm(ShareOptionsForm):
    path_or_uid = PathField()


class FolderLinkForm(ShareOptionsForm):
    path = PathField()


class GridLinkForm(ShareOptionsForm):
    path_or_uids = PathListField()
    rows = forms.IntegerField(required=False, min_value=1, max_value=MAX_GRID_CELLS)
    columns = forms.IntegerField(required=False, min_value=1, max_value=MAX_GRID_CELLS)
    sync = StrictBooleanField(required=False, absent=True)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        slides = data.get("path_or_uids")
        if not slides or self.errors:
            return data
        rows, columns = data.get("rows"), data.get("columns")
        if rows is None and columns is None:
            rows, columns = near_square_grid(len(slides))
        elif rows is None:
            rows = -(-len(slides) // columns)
        elif columns is None:
            columns = -(-len(slides) // rows)
        if rows * columns > MAX_GRID_CELLS:
            raise forms.ValidationError(f"A grid has at most {MAX_GRID_CELLS} cells.")
        if rows * columns < len(slides):
            raise forms.ValidationError(
                f"{len(slides)} slides do not fit in {rows} rows and {columns} columns."
            )
        data["rows"], data["columns"] = rows, columns
        return data


class ShareAdminForm(forms.ModelForm):
    """The admin's share form: the password is typed in clear and stored hashed."""

    new_password = forms.CharField(
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the current password.",
    )
    remove_password = forms.BooleanField(required=False)

    class Meta:
        model = Share
        fields = [
            "owner",
            "kind",
            "path",
            "grid",
            "label",
            "include_annotations",
            "include_label_and_macro",
            "expires_at",
            "suspended",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Before the model's own checks: fingerprints are not in the form, so the model's
        # error about them could not be shown (500); they follow the slides instead.
        grid = cleaned.get("grid")
        edited = Share(
            kind=cleaned.get("kind") or "",
            path=cleaned.get("path") or "",
            grid=grid if isinstance(grid, dict) else {},
        )
        self.instance.fingerprints = self.instance.fingerprints_for(edited.slide_paths)
        return cleaned

    def save(self, commit: bool = True) -> Share:
        share = super().save(commit=False)
        if self.cleaned_data.get("new_password"):
            share.set_password(self.cleaned_data["new_password"])
        elif self.cleaned_data.get("remove_password"):
            share.set_password("")
        if commit:
            share.save()
        return share


class QrForm(forms.Form):
    """`?download=1` makes the browser save the QR code instead of showing it."""

    download = StrictBooleanField(required=False)


EXPIRY_CHOICES = [("", "Never"), ("1h", "1 hour"), ("1d", "1 day"), ("1w", "1 week")]
# The share dialog's "At…": a date and time must come with it.
EXPIRES_AT_CHOICE = ("at", "At a date and time")
EXPIRY_DURATIONS = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "1w": timedelta(weeks=1)}


class CreateLinkForm(forms.Form):
    """The cockpit's share dialog and one-click share buttons.

    The target follows `kind`: a slide, a folder (given, or the slide's folder), or a grid
    `{"rows", "columns", "sync", "cells": [path or null, ...]}` as the viewer reports it.
    Expiry is a date and time or a duration from now, not both; `expires_in=at` says a date
    and time was chosen, so a missing one is an error rather than a link that never expires.
    """

    kind = forms.ChoiceField(choices=Share.Kind.choices)
    slide = PathField(required=False)
    folder = PathField(required=False)
    grid = forms.JSONField(required=False)
    password = forms.CharField(required=False, max_length=128, strip=False)
    expires_at = FutureDateTimeField(required=False)
    expires_in = forms.ChoiceField(required=False, choices=[*EXPIRY_CHOICES, EXPIRES_AT_CHOICE])
    include_annotations = StrictBooleanField(required=False)
    # Off unless asked for: labels carry the barcode and often the patient's name.
    include_label_and_macro = StrictBooleanField(required=False)
    label = forms.CharField(required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        kind = data["kind"]
        if kind == Share.Kind.SLIDE and not data["slide"]:
            self.add_error("slide", "Open a slide to share it.")
        elif kind == Share.Kind.FOLDER:
            data["folder"] = data["folder"] or data["slide"].rpartition("/")[0]
            if not data["folder"]:
                self.add_error("folder", "Open a folder or a slide to share its folder.")
        elif kind == Share.Kind.GRID:
            data["grid"] = self._grid(data)
        if data["expires_in"] == EXPIRES_AT_CHOICE[0]:
            if not data["expires_at"] and "expires_at" not in self.errors:
                self.add_error("expires_at", "Choose the date and time the link expires.")
        elif data["expires_in"] and data["expires_at"]:
            self.add_error("expires_at", "Give a date and time or a duration, not both.")
        elif data["expires_in"]:
            data["expires_at"] = timezone.now() + EXPIRY_DURATIONS[data["expires_in"]]
        return data

    def _grid(self, data: dict[str, Any]) -> dict[str, Any] | None:
        grid = data["grid"]
        if not grid:
            if not data["slide"]:
                self.add_error("grid", "Open slides in the viewer to share them as a grid.")
                return None
            return {"slides": [data["slide"]], "rows": 1, "columns": 1, "sync": False}
        if not isinstance(grid, dict) or not isinstance(grid.get("cells"), list):
            self.add_error("grid", "A grid has rows, columns, sync and cells.")
            return None
        # Empty cells are left out: the slides fill the shared grid in reading order.
        shared = {
            "slides": [cell for cell in grid["cells"] if cell],
            "rows": grid.get("rows"),
            "columns": grid.get("columns"),
            "sync": bool(grid.get("sync", False)),
        }
        problem = grid_problem(shared)
        if problem:
            self.add_error("grid", problem)
            return None
        return shared


class LinkFilterForm(forms.Form):
    """The shared-links panel's filters."""

    state = forms.ChoiceField(required=False, choices=[("", "All states"), *Share.State.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "All kinds"), *Share.Kind.choices])


class RecycleForm(forms.Form):
    """A recycled link keeps expiry and password unless told otherwise."""

    expiry = forms.ChoiceField(
        required=False, choices=[("keep", "Keep"), ("never", "Never"), *EXPIRY_CHOICES[1:]]
    )
    password = forms.CharField(required=False, max_length=128, strip=False)
    remove_password = StrictBooleanField(required=False)

    def changes(self) -> dict[str, Any]:
        """Keyword arguments for `do_recycle`."""
        data = self.cleaned_data
        changes: dict[str, Any] = {}
        if data["expiry"] == "never":
            changes["expires_at"] = None
        elif data["expiry"] in EXPIRY_DURATIONS:
            changes["expires_at"] = timezone.now() + EXPIRY_DURATIONS[data["expiry"]]
        if data["password"]:
            changes["password"] = data["password"]
        elif data["remove_password"]:
            changes["password"] = ""
        return changes
