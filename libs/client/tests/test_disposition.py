"""Content-Disposition: the header a part sends, and the parsing of one received."""

from __future__ import annotations

import warnings

import pytest

from httpwire import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    content_disposition_filename,
    parse_content_disposition,
)
from httpwire._disposition import content_disposition_header


def _parse(header: str) -> tuple[tuple[str | None, dict[str, str]], list[type[Warning]]]:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        result = parse_content_disposition(header)
    return result, [w.category for w in seen]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("inline", ("inline", {})),
        ("Attachment; FileName=report.pdf", ("attachment", {"filename": "report.pdf"})),
        (
            'form-data; name="a;b"; filename="x.txt"',
            ("form-data", {"name": "a;b", "filename": "x.txt"}),
        ),
        ('attachment; filename="a\\"b.txt"', ("attachment", {"filename": 'a"b.txt'})),
        ('attachment; filename="/etc/passwd"', ("attachment", {"filename": "etc/passwd"})),
        ('attachment; filename="x.txt"   ', ("attachment", {"filename": "x.txt"})),
        ("attachment; filename*=UTF-8''%E2%82%AC.txt", ("attachment", {"filename*": "€.txt"})),
        # A backslash outside quotes escapes the next character for splitting purposes.
        (
            'attachment; k=""\\";filename="f.html"',
            ("attachment", {"k": '"\\', "filename": "f.html"}),
        ),
    ],
)
def test_parses_valid_headers(header: str, expected: tuple[str, dict[str, str]]) -> None:
    result, seen = _parse(header)
    assert result == expected
    assert seen == []


@pytest.mark.parametrize(
    "header",
    [
        "attachment; filename=foo.html ;",  # an unquoted value followed by whitespace
        "attachment; ;filename=foo",  # a blank parameter
        "attachment; filename",  # no '='
        "attachment; filename=a; filename=b",  # a parameter twice
        "attachment; filename=a b",  # not a token, not quoted
        '"attachment"; filename=a',  # the type is not a token
    ],
)
def test_an_unusable_header_gives_nothing_and_warns(header: str) -> None:
    result, seen = _parse(header)
    assert result == (None, {})
    assert seen == [BadContentDispositionHeader]


def test_a_trailing_semicolon_only_warns() -> None:
    result, seen = _parse("attachment; filename=a.txt;")
    assert result == ("attachment", {"filename": "a.txt"})
    assert seen == [BadContentDispositionHeader]


def test_a_bad_extended_parameter_is_dropped() -> None:
    result, seen = _parse("attachment; filename*=nocharset; name=x")
    assert result == ("attachment", {"name": "x"})
    assert seen == [BadContentDispositionParam]


def test_filename_prefers_the_extended_form_then_joins_continuations() -> None:
    assert content_disposition_filename({"filename": "a", "filename*": "b"}) == "b"
    joined = {"filename*0": "utf-8''%E2%82", "filename*1": "%AC", "filename*3": "lost"}
    assert content_disposition_filename(joined) == "€"
    assert content_disposition_filename({}) is None


def test_builds_quoted_and_extended_parameters() -> None:
    assert content_disposition_header("form-data", name="f", filename="a b.txt") == (
        'form-data; name="f"; filename="a%20b.txt"'
    )
    assert content_disposition_header("attachment", title="é") == "attachment; title*=utf-8''%C3%A9"
    with pytest.raises(ValueError, match="bad content disposition type"):
        content_disposition_header("bad type")
    with pytest.raises(ValueError, match="CR"):
        content_disposition_header("attachment", False, name="a\r\nX-Evil: 1")
