"""The literal `__version__` agrees with the installed distribution's metadata."""

from __future__ import annotations

import importlib.metadata
import re

import httpwire_connectors


def test_version_matches_distribution_metadata() -> None:
    assert importlib.metadata.version("httpwire-connectors") == httpwire_connectors.__version__


def test_version_is_pep440_release() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.dev\d+)?", httpwire_connectors.__version__)
