"""aiohttp's module paths (``aiohttp.client_exceptions``...) hold the same objects in httpwire."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import httpwire

MODULE_PATHS = [
    "client",
    "client_exceptions",
    "client_middleware_digest_auth",
    "client_middlewares",
    "client_reqrep",
    "client_ws",
    "connector",
    "cookiejar",
    "helpers",
    "http",
    "resolver",
]


@pytest.mark.parametrize("path", MODULE_PATHS)
def test_each_path_re_exports_httpwire_names_by_identity(path: str) -> None:
    module = getattr(httpwire, path)
    assert module is importlib.import_module(f"httpwire.{path}")
    assert module.__all__, path
    assert module.__all__ == sorted(module.__all__)
    for name in module.__all__:
        assert getattr(module, name) is getattr(httpwire, name), f"{path}.{name}"


def test_the_usual_spellings_work() -> None:
    assert httpwire.client_exceptions.ClientConnectorError is httpwire.ClientConnectorError
    assert httpwire.client.ClientSession is httpwire.ClientSession
    assert httpwire.connector.TCPConnector is httpwire.TCPConnector
    assert httpwire.helpers.BasicAuth is httpwire.BasicAuth
    assert httpwire.http.HttpVersion11 == (1, 1)
    assert httpwire.client_reqrep.ClientResponse is httpwire.ClientResponse


def test_other_names_are_still_missing() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'web'"):
        httpwire.web  # noqa: B018  # aiohttp's server is not part of httpwire


def test_the_paths_are_imported_on_first_use_only() -> None:
    code = (
        "import sys, httpwire; "
        "assert 'httpwire.client_exceptions' not in sys.modules; "
        "httpwire.client_exceptions.ClientError; "
        "assert 'httpwire.client_exceptions' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("path", MODULE_PATHS)
def test_each_path_has_what_aiohttp_exports_there(path: str) -> None:
    aiohttp_module = pytest.importorskip(f"aiohttp.{path}")
    exported = getattr(aiohttp_module, "__all__", None)
    if exported is None:  # client_ws, client_middleware_digest_auth: no __all__ there
        exported = [
            name
            for name, value in vars(aiohttp_module).items()
            if not name.startswith("_")
            and getattr(value, "__module__", "") == aiohttp_module.__name__
        ]
    ours = getattr(httpwire, path).__all__
    missing = [name for name in exported if hasattr(httpwire, name) and name not in ours]
    assert not missing, f"httpwire.{path} lacks {missing}"
