"""Host and path rules of RFC 6265 §5.1.3-§5.1.4, and the host checks the jar applies.

Everything that decides whether a domain or path "matches" lives here, so the jar and its tests
share one definition.
"""

from __future__ import annotations

import re

__all__ = [
    "default_path",
    "domain_match",
    "is_ip_address",
    "is_loopback_host",
    "is_single_label_domain",
    "path_match",
]

_IPV4 = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,3}){3}")
_LOOPBACK_V4 = re.compile(r"127(?:\.[0-9]{1,3}){3}")


def is_ip_address(host: str) -> bool:
    """Whether a URL host (as yarl's ``raw_host`` gives it) is an IPv4 or IPv6 literal."""
    # yarl gives IPv6 hosts without brackets; no DNS name contains ":".
    return ":" in host or (host[-1:].isdigit() and _IPV4.fullmatch(host) is not None)


def is_loopback_host(host: str) -> bool:
    """Whether a host is ``localhost``, a ``*.localhost`` name or a loopback address.

    Such hosts are "potentially trustworthy" origins (W3C Secure Contexts): traffic to them never
    leaves the machine, so Secure cookies may be sent to them over plain HTTP.
    """
    if host == "localhost" or host.endswith(".localhost"):
        return True
    return host == "::1" or _LOOPBACK_V4.fullmatch(host) is not None


def domain_match(host: str, domain: str) -> bool:
    """RFC 6265 §5.1.3: whether ``host`` domain-matches the cookie ``domain`` (both lowercase).

    Identical strings match; otherwise ``domain`` must be a suffix of ``host`` after a dot, and
    ``host`` must be a name, not an IP address.
    """
    if host == domain:
        return True
    return (
        len(host) > len(domain) > 0
        and host.endswith(domain)
        and host[-len(domain) - 1] == "."
        and not is_ip_address(host)
    )


def path_match(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 §5.1.4: whether ``request_path`` path-matches ``cookie_path``."""
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path[-1:] == "/" or request_path[len(cookie_path)] == "/"
    )


def default_path(uri_path: str) -> str:
    """RFC 6265 §5.1.4: the path a cookie gets when it has no usable Path attribute."""
    if uri_path[:1] != "/":
        return "/"
    last = uri_path.rfind("/")
    return "/" if last == 0 else uri_path[:last]


def is_single_label_domain(domain: str) -> bool:
    """The built-in public-suffix check: a domain without an inner dot (``com``, ``local``).

    A Domain attribute naming such a suffix would share the cookie with every site under it, so
    the jar refuses it unless it is the response's own host (RFC 6265 §5.3 step 5).
    """
    return "." not in domain.strip(".")
