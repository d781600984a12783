"""Domain and path matching (RFC 6265 §5.1.3-§5.1.4) and the host classifications."""

from __future__ import annotations

import pytest

from httpwire_cookies import (
    default_path,
    domain_match,
    is_ip_address,
    is_loopback_host,
    is_single_label_domain,
    path_match,
)


@pytest.mark.parametrize(
    ("host", "domain", "matches"),
    [
        ("example.com", "example.com", True),
        ("www.example.com", "example.com", True),
        ("a.b.example.com", "example.com", True),
        ("notexample.com", "example.com", False),
        ("example.com", "www.example.com", False),
        ("example.com", "", False),
        ("1.2.3.4", "2.3.4", False),
        ("1.2.3.4", "1.2.3.4", True),
        ("::1", "::1", True),
    ],
)
def test_domain_match(host: str, domain: str, matches: bool) -> None:
    assert domain_match(host, domain) is matches


@pytest.mark.parametrize(
    ("request_path", "cookie_path", "matches"),
    [
        ("/", "/", True),
        ("/a", "/", True),
        ("/a/b", "/a", True),
        ("/a/b", "/a/", True),
        ("/a", "/a/", False),
        ("/ab", "/a", False),
        ("/a", "/a", True),
        ("/A", "/a", False),
    ],
)
def test_path_match(request_path: str, cookie_path: str, matches: bool) -> None:
    assert path_match(request_path, cookie_path) is matches


@pytest.mark.parametrize(
    ("uri_path", "expected"),
    [
        ("", "/"),
        ("x", "/"),
        ("/", "/"),
        ("/a", "/"),
        ("/a/", "/a"),
        ("/a/b", "/a"),
        ("/a/b/c", "/a/b"),
    ],
)
def test_default_path(uri_path: str, expected: str) -> None:
    assert default_path(uri_path) == expected


@pytest.mark.parametrize(
    ("host", "is_ip"),
    [
        ("1.2.3.4", True),
        ("::1", True),
        ("2001:db8::1", True),
        ("example.com", False),
        ("1.2.3.com", False),
        ("123", False),
        ("localhost", False),
    ],
)
def test_is_ip_address(host: str, is_ip: bool) -> None:
    assert is_ip_address(host) is is_ip


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("a.localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("localhost.example", False),
        ("128.0.0.1", False),
        ("example.com", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


@pytest.mark.parametrize(
    ("domain", "single"),
    [("com", True), ("local", True), ("com.", True), ("example.com", False), ("co.uk", False)],
)
def test_is_single_label_domain(domain: str, single: bool) -> None:
    assert is_single_label_domain(domain) is single
