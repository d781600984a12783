"""Property tests (hypothesis): the properties of ``fuzz_parser.py`` with modest example counts."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest


def _load_fuzz() -> ModuleType:
    path = Path(__file__).with_name("fuzz_parser.py")
    spec = importlib.util.spec_from_file_location("httpwire_parser_fuzz", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


FUZZ = _load_fuzz()
EXAMPLES = {"segmentation": 100, "mutations": 200, "random_bytes": 200, "random_heads": 200}


@pytest.mark.parametrize("name", sorted(FUZZ.PROPERTIES))
def test_parser_property(name: str) -> None:
    FUZZ.build(name, EXAMPLES.get(name, 200))()


def test_fuzz_script_runs() -> None:
    assert FUZZ.main(["--examples", "5", "--only", "segmentation"]) == 0
