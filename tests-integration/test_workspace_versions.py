"""Cross-lib check: the client's sibling pins admit the versions that are in the workspace."""

from __future__ import annotations

import importlib.metadata

from packaging.requirements import Requirement

SIBLINGS = {
    "httpwire-parser": "httpwire_parser",
    "httpwire-connectors": "httpwire_connectors",
    "httpwire-cookies": "httpwire_cookies",
    "httpwire-websocket": "httpwire_websocket",
}


def test_client_pins_admit_workspace_siblings() -> None:
    requires = importlib.metadata.requires("httpwire") or []
    pins = {
        req.name: req.specifier
        for req in map(Requirement, requires)
        if req.name in SIBLINGS and req.marker is None
    }
    assert set(pins) == set(SIBLINGS)
    for dist, module in SIBLINGS.items():
        version = __import__(module).__version__
        assert pins[dist].contains(version), f"{dist} {version} is outside {pins[dist]}"
