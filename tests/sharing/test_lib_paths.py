from __future__ import annotations

import pytest

from sharing.lib.paths import clean_path, is_clean_path, is_inside, near_square_grid


@pytest.mark.parametrize(
    "path",
    ["demo", "demo/breast/a.svs", "Demo Root/with space/ä.svs", "demo/.../x.svs"],
)
def test_it_accepts_virtual_paths(path: str) -> None:
    assert is_clean_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/demo/a.svs",
        "demo//a.svs",
        "demo/../secret/a.svs",
        "..",
        "demo/./a.svs",
        "demo\\a.svs",
        "demo/a.svs\x00",
        "demo/\na.svs",
        "x" * 1025,
    ],
)
def test_it_refuses_malformed_paths(path: str) -> None:
    assert not is_clean_path(path)


def test_clean_path_drops_one_trailing_slash() -> None:
    assert clean_path("demo/breast/") == "demo/breast"
    with pytest.raises(ValueError):
        clean_path("demo/breast//")


def test_a_folder_holds_paths_below_it() -> None:
    assert is_inside("demo/breast", "demo/breast/CASE-1/a.svs")
    assert is_inside("demo/breast", "demo/breast/a.svs")


def test_a_folder_does_not_hold_a_sibling_with_the_same_prefix() -> None:
    assert not is_inside("demo/breast", "demo/breast-2/x.svs")
    assert not is_inside("demo/breast", "demo/breastx.svs")


def test_a_folder_does_not_hold_itself_or_its_parent() -> None:
    assert not is_inside("demo/breast", "demo/breast")
    assert not is_inside("demo/breast", "demo/a.svs")


def test_dot_dot_does_not_climb_out_of_a_folder() -> None:
    assert not is_inside("demo/breast", "demo/breast/../lung/a.svs")
    assert not is_inside("demo/breast", "demo/breast/CASE-1/../../../x.svs")


@pytest.mark.parametrize(
    ("count", "grid"),
    [(1, (1, 1)), (2, (1, 2)), (3, (2, 2)), (4, (2, 2)), (5, (2, 3)), (7, (3, 3)), (10, (3, 4))],
)
def test_near_square_grid_fits_the_slides(count: int, grid: tuple[int, int]) -> None:
    assert near_square_grid(count) == grid
