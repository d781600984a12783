"""What ``trust_env=True`` reads: proxies from the environment and credentials from netrc.

``<scheme>_PROXY`` (lower case wins over upper case, as in :mod:`urllib`) for http, https, ws
and wss, then ``ALL_PROXY``; ``NO_PROXY`` lists hosts, domains (``example.com`` and
``.example.com`` both cover subdomains), ``host:port`` entries, IP addresses, CIDR blocks and
``*``. Credentials come from the file ``NETRC`` names, else ``~/.netrc``.
"""

from __future__ import annotations

import ipaddress
import netrc
import os
from collections.abc import Mapping
from pathlib import Path

from yarl import URL

from ._auth import BasicAuth, basic_auth_no_warn

__all__: list[str] = []

_SCHEMES = ("http", "https", "ws", "wss")


def _env(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name.lower())
    if value is None:
        value = environ.get(name.upper())
    value = value.strip() if value else value
    return value or None


def _proxy_url(value: str) -> URL | None:
    url = URL(value if "://" in value else f"http://{value}")
    if url.scheme not in ("http", "https") or not url.host:
        return None
    return url


def proxy_for(url: URL, environ: Mapping[str, str] | None = None) -> URL | None:
    """The proxy the environment names for ``url``, or ``None`` (none set, or NO_PROXY matches).

    ``HTTP_PROXY`` is ignored when ``REQUEST_METHOD`` is set: in a CGI script it comes from the
    client's ``Proxy:`` header (httpoxy).
    """
    env = os.environ if environ is None else environ
    scheme = url.scheme
    if scheme not in _SCHEMES:
        return None
    value = None
    if not (scheme == "http" and "REQUEST_METHOD" in env):
        value = _env(env, f"{scheme}_proxy")
    if value is None:
        value = _env(env, "all_proxy")
    if value is None or bypassed(url, _env(env, "no_proxy")):
        return None
    return _proxy_url(value)


def bypassed(url: URL, no_proxy: str | None) -> bool:
    """Whether ``url``'s host (and port) matches an entry of the ``NO_PROXY`` list."""
    if not no_proxy:
        return False
    host = (url.raw_host or "").lower().rstrip(".")
    if not host:
        return False
    port = url.port
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        address = None
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        entry_host, entry_port = _split_port(entry)
        if entry_port is not None and entry_port != port:
            continue
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry_host.strip("[]"), strict=False):
                    return True
            except ValueError:
                pass
            continue
        domain = entry_host.lstrip("*").lstrip(".").rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [v6]:port
        host, _, rest = entry[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
        return host, int(port) if port.isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit():
            return host, int(port)
    return entry, None


def netrc_auth(host: str, environ: Mapping[str, str] | None = None) -> BasicAuth | None:
    """Basic credentials for ``host`` from the netrc file, if it names the host (or a default).

    A missing or unreadable file gives ``None``: trust_env is a convenience, not a requirement.
    """
    env = os.environ if environ is None else environ
    path = env.get("NETRC")
    netrc_path = Path(path) if path else Path.home() / ".netrc"
    try:
        entries = netrc.netrc(str(netrc_path))
    except (OSError, netrc.NetrcParseError, RuntimeError):
        return None
    found = entries.authenticators(host.rstrip("."))
    if found is None:
        return None
    login, account, password = found
    return basic_auth_no_warn(login or account or "", password or "")
