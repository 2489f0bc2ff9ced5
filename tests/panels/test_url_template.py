from __future__ import annotations

import pytest

from panels.lib.url_template import UrlTemplateError, expand, placeholders

DEMO = "{server}/panels/demo/label/?slide={slide}&token={token}"


def test_it_lists_the_placeholders_of_a_good_template() -> None:
    assert placeholders(DEMO) == ["server", "slide", "token"]
    assert placeholders("https://lims.example.org/case?uid={uid}&f={folder}") == ["uid", "folder"]
    assert placeholders("HTTP://lims.example.org") == []


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("javascript:alert(1)", "not 'javascript:'"),
        ("data:text/html,<b>{slide}</b>", "not 'data:'"),
        ("ftp://files.example.org/{slide}", "not 'ftp:'"),
        ("//evil.example.org/{slide}", "not no scheme"),
        ("https://x.org/?s={session}", "unknown placeholder '{session}'"),
        ("https://x.org/?s={slide!r}", "unknown placeholder '{slide!r}'"),
        ("https://x.org/?s={}", "unknown placeholder '{}'"),
        ("https://x.org/?s={slide", "unbalanced"),
        ("https://{slide}/x", "host of the URL template must be written out"),
        ("https://x.org/{server}", "'{server}' may only start"),
        ("{server}evil.org", "'{server}' must be followed by"),
        ("https://x.org/ a", "whitespace"),
        ("", "empty"),
    ],
)
def test_it_rejects_unsafe_templates(template: str, reason: str) -> None:
    with pytest.raises(UrlTemplateError, match=reason.replace("{", r"\{").replace("(", r"\(")):
        placeholders(template)


def test_it_url_encodes_every_value_but_the_server() -> None:
    url = expand(
        DEMO,
        {
            "server": "https://studio.example.org/",
            "slide": "root/case 1/a&b=c?.svs",
            "token": "t/k+n",
        },
    )

    assert url == (
        "https://studio.example.org/panels/demo/label/"
        "?slide=root%2Fcase%201%2Fa%26b%3Dc%3F.svs&token=t%2Fk%2Bn"
    )


def test_a_missing_value_becomes_empty() -> None:
    assert expand("https://x.org/?uid={uid}", {"uid": None}) == "https://x.org/?uid="


def test_it_refuses_a_server_that_is_not_http() -> None:
    with pytest.raises(UrlTemplateError):
        expand(DEMO, {"server": "javascript:alert(1)//", "slide": "a", "token": "t"})


def test_a_url_without_placeholders_gets_the_documented_parameters_appended() -> None:
    values = {
        "server": "https://studio.example.org/",
        "slide": "root/case 1/a&b.svs",
        "folder": "root/case 1",
        "uid": "ABCDEFGHIJ",
        "token": "t/k+n",
    }
    url = expand("https://example.org/?a=1#top", values)

    assert url == (
        "https://example.org/?a=1&server=https%3A%2F%2Fstudio.example.org%2F"
        "&slide=root%2Fcase+1%2Fa%26b.svs&uid=ABCDEFGHIJ&token=t%2Fk%2Bn#top"
    )
    assert expand("https://example.org", values).startswith("https://example.org?server=")


def test_a_url_with_placeholders_gets_only_those() -> None:
    url = expand("https://lims.example.org/case?id={uid}", {"uid": "U", "token": "secret"})
    assert url == "https://lims.example.org/case?id=U"
