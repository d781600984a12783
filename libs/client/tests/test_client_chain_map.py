"""ChainMapProxy: lookups in order, one listing per key, read-only, not subclassable."""

from __future__ import annotations

import pytest

from httpwire import ChainMapProxy


def test_the_first_mapping_holding_a_key_wins() -> None:
    chain = ChainMapProxy([{"a": 1}, {"a": 2, "b": 3}])
    assert chain["a"] == 1
    assert chain["b"] == 3
    assert chain.get("b") == 3
    assert chain.get("missing") is None
    assert chain.get("missing", 0) == 0
    with pytest.raises(KeyError, match="missing"):
        chain["missing"]


def test_keys_are_listed_once_and_counted_once() -> None:
    chain = ChainMapProxy([{"a": 1, "c": 4}, {"a": 2, "b": 3}])
    assert sorted(chain) == ["a", "b", "c"]
    assert len(chain) == 3
    assert dict(chain.items()) == {"a": 1, "b": 3, "c": 4}
    assert "c" in chain
    assert "z" not in chain


def test_truth_and_repr() -> None:
    assert not ChainMapProxy([{}, {}])
    assert ChainMapProxy([{}, {"x": 1}])
    assert repr(ChainMapProxy([{"x": 1}])) == "ChainMapProxy({'x': 1})"


def test_it_is_read_only_and_cannot_be_subclassed() -> None:
    chain = ChainMapProxy([{"a": 1}])
    with pytest.raises(TypeError):
        chain["a"] = 2  # type: ignore[index]
    with pytest.raises(TypeError, match="Inheritance class Sub from ChainMapProxy is forbidden"):
        type("Sub", (ChainMapProxy,), {})
