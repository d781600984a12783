"""ETag: a frozen value with a weakness flag, comparable and hashable."""

from __future__ import annotations

import dataclasses

import pytest

from httpwire import ETag


def test_etag_fields_defaults_and_equality() -> None:
    tag = ETag("abc")
    assert (tag.value, tag.is_weak) == ("abc", False)
    assert ETag("abc", is_weak=True) != tag
    assert {ETag("abc"), ETag("abc")} == {tag}
    with pytest.raises(dataclasses.FrozenInstanceError):
        tag.value = "x"  # type: ignore[misc]
