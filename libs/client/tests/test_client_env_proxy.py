"""trust_env's readers: proxies from the environment, NO_PROXY matching and netrc credentials."""

from __future__ import annotations

from pathlib import Path

import pytest
from yarl import URL

from httpwire import BasicAuth
from httpwire._env_proxy import bypassed, netrc_auth, proxy_for

# The deprecated auth API (BasicAuth, auth=, proxy_auth=) still works; these tests exercise it.
LEGACY_AUTH = pytest.mark.filterwarnings(
    "ignore:(BasicAuth|The 'auth' parameter|The 'proxy_auth' parameter) is deprecated"
    ":DeprecationWarning"
)


@pytest.mark.parametrize(
    ("env", "url", "expected"),
    [
        ({"HTTP_PROXY": "http://p:3128"}, "http://a.example/", "http://p:3128"),
        ({"http_proxy": "http://low:1", "HTTP_PROXY": "http://up:2"}, "http://a/", "http://low:1"),
        ({"HTTPS_PROXY": "http://p:3128"}, "https://a.example/", "http://p:3128"),
        ({"HTTPS_PROXY": "http://p:3128"}, "http://a.example/", None),
        ({"WS_PROXY": "http://w:1"}, "ws://a/", "http://w:1"),
        ({"wss_proxy": "http://w:2"}, "wss://a/", "http://w:2"),
        ({"ALL_PROXY": "http://all:9"}, "https://a/", "http://all:9"),
        ({"HTTP_PROXY": "p.example:8080"}, "http://a/", "http://p.example:8080"),
        ({"HTTP_PROXY": "socks5://s:1080"}, "http://a/", None),
        ({"HTTP_PROXY": "  "}, "http://a/", None),
        ({"HTTP_PROXY": "http://p:1", "REQUEST_METHOD": "GET"}, "http://a/", None),
        ({"HTTP_PROXY": "http://p:1", "NO_PROXY": "a"}, "http://a/", None),
        ({}, "http://a/", None),
    ],
)
def test_proxy_for(env: dict[str, str], url: str, expected: str | None) -> None:
    found = proxy_for(URL(url), env)
    assert (str(found) if found is not None else None) == expected


@pytest.mark.parametrize(
    ("no_proxy", "url", "expected"),
    [
        ("*", "http://anything/", True),
        ("example.com", "http://example.com/", True),
        ("example.com", "http://api.example.com/", True),
        (".example.com", "http://api.example.com/", True),
        (".example.com", "http://example.com/", True),
        ("example.com", "http://notexample.com/", False),
        ("example.com:8080", "http://example.com:8080/", True),
        ("example.com:8080", "http://example.com/", False),
        ("10.0.0.0/8", "http://10.1.2.3/", True),
        ("10.0.0.0/8", "http://11.1.2.3/", False),
        ("192.168.1.5", "http://192.168.1.5:81/", True),
        ("::1", "http://[::1]:8080/", True),
        ("[::1]:8080", "http://[::1]:8080/", True),
        ("fd00::/8", "http://[fd12::1]/", True),
        ("localhost, other", "http://OTHER./", True),
        ("", "http://a/", False),
        (" , ,", "http://a/", False),
    ],
)
def test_no_proxy_matching(no_proxy: str, url: str, expected: bool) -> None:
    assert bypassed(URL(url), no_proxy) is expected


@LEGACY_AUTH
def test_netrc_gives_the_hosts_credentials(tmp_path: Path) -> None:
    path = tmp_path / "netrc"
    path.write_text(
        "machine api.example login ana password s3cret\ndefault login anon password guest\n"
    )
    path.chmod(0o600)
    env = {"NETRC": str(path)}
    assert netrc_auth("api.example", env) == BasicAuth("ana", "s3cret")
    assert netrc_auth("other.example", env) == BasicAuth("anon", "guest")


def test_netrc_missing_or_broken_gives_none(tmp_path: Path) -> None:
    assert netrc_auth("a", {"NETRC": str(tmp_path / "absent")}) is None
    broken = tmp_path / "broken"
    broken.write_text("machine\n")
    broken.chmod(0o600)
    assert netrc_auth("a", {"NETRC": str(broken)}) is None
    only = tmp_path / "only"
    only.write_text("machine b login x password y\n")
    only.chmod(0o600)
    assert netrc_auth("a", {"NETRC": str(only)}) is None
