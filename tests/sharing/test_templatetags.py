from __future__ import annotations

from sharing.templatetags.sharing_tags import breakable_path


def test_a_path_may_wrap_after_its_slashes_only() -> None:
    assert breakable_path("demo/breast/A1.svs") == "demo/<wbr>breast/<wbr>A1.svs"


def test_the_names_are_escaped() -> None:
    assert breakable_path("<b>/x&y") == "&lt;b&gt;/<wbr>x&amp;y"
