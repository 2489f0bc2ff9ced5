"""Annotation geometry: checks and measures against hand-computed values."""

from __future__ import annotations

import pytest

from pmacore import geometry as geo
from pmacore.errors import BadRequest

# A 3-4-5 right triangle: area 6, perimeter 12.
TRIANGLE = "POLYGON ((0 0, 3 0, 3 4, 0 0))"
# A 10 x 10 square with a 2 x 2 hole: area 96, perimeter 40 + 8.
HOLED = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 6 4, 6 6, 4 6, 4 4))"


def test_area_and_perimeter_in_pixels_without_mpp() -> None:
    shape = geo.parse(TRIANGLE)
    assert geo.area(shape, None, None) == 6
    assert geo.length(shape, None, None) == 12


def test_area_and_perimeter_in_micrometres_with_mpp() -> None:
    shape = geo.parse(TRIANGLE)
    assert geo.area(shape, 0.5, 0.5) == pytest.approx(1.5)
    assert geo.length(shape, 0.5, 0.5) == pytest.approx(6)


def test_unequal_mpp_scales_each_axis() -> None:
    line = geo.parse("LINESTRING (0 0, 3 4)")
    # x: 3 px at 2 µm = 6 µm, y: 4 px at 0.5 µm = 2 µm: sqrt(36 + 4).
    assert geo.length(line, 2.0, 0.5) == pytest.approx(40**0.5)
    assert geo.area(geo.parse(TRIANGLE), 2.0, 0.5) == pytest.approx(6)


def test_holes_count_against_area_and_for_perimeter() -> None:
    shape = geo.parse(HOLED)
    assert geo.area(shape, None, None) == 96
    assert geo.length(shape, None, None) == 48


def test_points_have_neither_area_nor_length() -> None:
    shape = geo.parse("MULTIPOINT ((1 1), (2 2))")
    assert geo.dimensions(shape) == 0
    assert geo.area(shape, 0.25, 0.25) == 0 and geo.length(shape, 0.25, 0.25) == 0


@pytest.mark.parametrize(
    ("wkt", "message"),
    [
        ("POLYGON ((0 0, 1 1", "Invalid WKT"),
        ("BANANA (1 2)", "Invalid WKT"),
        ("POLYGON EMPTY", "empty"),
        ("POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))", "Self-intersection[1 1]"),
        ("POINT (nan 1)", "not finite"),
        (42, "WKT string"),
    ],
)
def test_bad_geometry_says_what_is_wrong(wkt: object, message: str) -> None:
    with pytest.raises(BadRequest, match=message.replace("[", r"\[").replace("]", r"\]")):
        geo.parse(wkt)


def test_a_geometry_touching_the_slide_is_inside_one_beyond_is_not() -> None:
    geo.check_inside(geo.parse("POINT (100 50)"), 100, 50)
    with pytest.raises(BadRequest, match="entirely outside"):
        geo.check_inside(geo.parse("POINT (101 50)"), 100, 50)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("#abc", "#AABBCC"), ("#00ff00", "#00FF00"), ("#FFFFFF00", "#FFFFFF00"), ("", "dflt")],
)
def test_colours(value: str, expected: str) -> None:
    assert geo.colour(value, "dflt") == expected


@pytest.mark.parametrize("value", ["red", "rgb(1,2,3)", "#12", "#GGGGGG", "00FF00"])
def test_unknown_colour_formats_are_refused(value: str) -> None:
    with pytest.raises(BadRequest, match="Unknown colour format"):
        geo.colour(value)
