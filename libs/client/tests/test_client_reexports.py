"""The client re-exports the component libs' classes as the same objects, in the documented tree."""

from __future__ import annotations

import asyncio
import ssl

import pytest

import httpwire
import httpwire.abc
import httpwire_connectors
import httpwire_cookies
import httpwire_websocket

CONNECTION_ERRORS = [
    "ClientConnectionError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientOSError",
    "ClientProxyConnectionError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "UnixClientConnectorError",
]
CONNECTOR_PARTS = [
    "AddrInfoType",
    "AsyncResolver",
    "BaseConnector",
    "DefaultResolver",
    "Fingerprint",
    "SocketFactoryType",
    "TCPConnector",
    "ThreadedResolver",
    "UnixConnector",
]


@pytest.mark.parametrize("name", CONNECTION_ERRORS + CONNECTOR_PARTS)
def test_connector_names_are_the_same_objects(name: str) -> None:
    assert getattr(httpwire, name) is getattr(httpwire_connectors, name)


@pytest.mark.parametrize("name", ["CookieJar", "DummyCookieJar"])
def test_cookie_jars_are_the_same_objects(name: str) -> None:
    assert getattr(httpwire, name) is getattr(httpwire_cookies, name)


@pytest.mark.parametrize("name", ["WSCloseCode", "WSMessage", "WSMsgType", "WebSocketError"])
def test_websocket_names_are_the_same_objects(name: str) -> None:
    assert getattr(httpwire, name) is getattr(httpwire_websocket, name)


def test_abc_module_path() -> None:
    assert httpwire.abc.AbstractCookieJar is httpwire_cookies.AbstractCookieJar
    assert httpwire.abc.AbstractResolver is httpwire_connectors.AbstractResolver
    assert issubclass(httpwire.CookieJar, httpwire.abc.AbstractCookieJar)
    assert issubclass(httpwire.ThreadedResolver, httpwire.abc.AbstractResolver)


# (class, documented direct bases) from the client reference's exception section.
DOCUMENTED_BASES: list[tuple[str, tuple[type[BaseException] | str, ...]]] = [
    ("ClientError", (Exception,)),
    ("ClientConnectionError", ("ClientError",)),
    ("ClientOSError", ("ClientConnectionError", OSError)),
    ("ClientConnectorError", ("ClientOSError",)),
    ("ClientConnectorDNSError", ("ClientConnectorError",)),
    ("ClientProxyConnectionError", ("ClientConnectorError",)),
    ("ClientSSLError", ("ClientConnectorError",)),
    ("ClientConnectorSSLError", ("ClientSSLError", ssl.SSLError)),
    ("ClientConnectorCertificateError", ("ClientSSLError", ssl.CertificateError)),
    ("ServerConnectionError", ("ClientConnectionError",)),
    ("ServerDisconnectedError", ("ServerConnectionError",)),
    ("ServerTimeoutError", ("ServerConnectionError", asyncio.TimeoutError)),
    ("ConnectionTimeoutError", ("ServerTimeoutError",)),
    ("ServerFingerprintMismatch", ("ServerConnectionError",)),
]


@pytest.mark.parametrize(("name", "bases"), DOCUMENTED_BASES, ids=[n for n, _ in DOCUMENTED_BASES])
def test_exception_bases_match_the_reference(
    name: str, bases: tuple[type[BaseException] | str, ...]
) -> None:
    cls = getattr(httpwire, name)
    for base in bases:
        expected = getattr(httpwire, base) if isinstance(base, str) else base
        assert issubclass(cls, expected), f"{name} must derive from {expected.__name__}"


def test_import_as_aiohttp_sees_the_connection_errors() -> None:
    import httpwire as aiohttp

    with pytest.raises(aiohttp.ClientError):
        raise aiohttp.ClientConnectorDNSError(
            httpwire_connectors.ConnectionKey("h", 1, False, True, None, None, None),
            OSError(-2, "Name or service not known"),
        )
