"""The literal `__version__` agrees with the installed distribution's metadata."""

from __future__ import annotations

import importlib.metadata
import re

import httpwire


def test_version_matches_distribution_metadata() -> None:
    assert importlib.metadata.version("httpwire") == httpwire.__version__


def test_version_is_pep440_release() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", httpwire.__version__)
