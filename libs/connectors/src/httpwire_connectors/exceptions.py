"""The connection-side errors of aiohttp's client API, defined here and re-exported by httpwire.

The tree (indentation is inheritance; a second base is named in brackets)::

    ClientError(Exception)
    └── ClientConnectionError
        ├── ClientOSError                      [OSError]
        │   └── ClientConnectorError               .host .port .ssl .os_error
        │       ├── ClientConnectorDNSError
        │       ├── ClientProxyConnectionError
        │       ├── UnixClientConnectorError       .path
        │       └── ClientSSLError
        │           ├── ClientConnectorSSLError            [ssl.SSLError]
        │           └── ClientConnectorCertificateError    [ssl.CertificateError] .certificate_error
        └── ServerConnectionError
            ├── ServerDisconnectedError            .message
            ├── ServerFingerprintMismatch          .expected .got .host .port
            └── ServerTimeoutError                 [asyncio.TimeoutError]
                └── ConnectionTimeoutError

Every class pickles: ``args`` always holds exactly what the constructor takes.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._interfaces import ConnectionKey

__all__ = [
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


def _ssl_label(value: object) -> str:
    """How an error message shows the ``ssl`` setting: ``True`` reads as ``default``."""
    return "default" if value is True else str(value)


class ClientError(Exception):
    """Root of every error the httpwire client raises on purpose."""


class ClientConnectionError(ClientError):
    """A low-level connection problem: connecting, TLS, or the peer going away."""


class ClientOSError(ClientConnectionError, OSError):
    """A connection problem that started as an :class:`OSError`."""


class ClientConnectorError(ClientOSError):
    """The connector could not open a connection to the endpoint of ``connection_key``.

    ``os_error`` is the underlying :class:`OSError`; ``errno`` and ``strerror`` are copied from it.
    """

    def __init__(self, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._conn_key = connection_key
        self._os_error = os_error
        super().__init__(os_error.errno, os_error.strerror)
        self.args = (connection_key, os_error)

    @property
    def os_error(self) -> OSError:
        """The :class:`OSError` that made connecting fail."""
        return self._os_error

    @property
    def host(self) -> str:
        """The host that was being connected to."""
        return self._conn_key.host

    @property
    def port(self) -> int | None:
        """The port that was being connected to."""
        return self._conn_key.port

    @property
    def ssl(self) -> Any:
        """The request's TLS setting (``True`` for the default verifying context)."""
        return self._conn_key.ssl

    def __str__(self) -> str:
        reason = self.strerror if self.strerror is not None else str(self._os_error)
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{_ssl_label(self.ssl)} [{reason}]"
        )

    __reduce__ = BaseException.__reduce__


class ClientConnectorDNSError(ClientConnectorError):
    """Resolving the host name failed, so no connection was attempted."""


class ClientProxyConnectionError(ClientConnectorError):
    """The connection to the proxy could not be opened."""


class UnixClientConnectorError(ClientConnectorError):
    """Connecting to a Unix domain socket failed; ``path`` names the socket."""

    def __init__(self, path: str, connection_key: ConnectionKey, os_error: OSError) -> None:
        self._path = path
        super().__init__(connection_key, os_error)
        self.args = (path, connection_key, os_error)

    @property
    def path(self) -> str:
        """The socket path that could not be connected to."""
        return self._path

    def __str__(self) -> str:
        reason = self.strerror if self.strerror is not None else str(self._os_error)
        return f"Cannot connect to unix socket {self.path} ssl:{_ssl_label(self.ssl)} [{reason}]"


class ClientSSLError(ClientConnectorError):
    """Base of the TLS failures met while connecting."""


class ClientConnectorSSLError(ClientSSLError, ssl.SSLError):
    """The TLS handshake failed for a reason other than the certificate."""


class ClientConnectorCertificateError(ClientSSLError, ssl.CertificateError):
    """The server's certificate was rejected (untrusted, expired, wrong host name...)."""

    def __init__(self, connection_key: ConnectionKey, certificate_error: Exception) -> None:
        os_error = certificate_error if isinstance(certificate_error, OSError) else OSError()
        ClientConnectorError.__init__(self, connection_key, os_error)
        self._certificate_error = certificate_error
        self.args = (connection_key, certificate_error)

    @property
    def certificate_error(self) -> Exception:
        """The exception the TLS layer raised about the certificate."""
        return self._certificate_error

    @property
    def ssl(self) -> bool:
        """Whether the connection was a TLS one (always ``True`` in practice)."""
        return self._conn_key.is_ssl

    def __str__(self) -> str:
        err = self._certificate_error
        return (
            f"Cannot connect to host {self.host}:{self.port} ssl:{self.ssl} "
            f"[{type(err).__name__}: {err.args}]"
        )


class ServerConnectionError(ClientConnectionError):
    """The server side of an open connection misbehaved."""


class ServerDisconnectedError(ServerConnectionError):
    """The server closed the connection before a complete response arrived.

    ``message`` is the partially parsed message, or a text saying what happened.
    """

    def __init__(self, message: object = None) -> None:
        if message is None:
            message = "Server disconnected"
        super().__init__(message)
        self.message = message


class ServerTimeoutError(ServerConnectionError, asyncio.TimeoutError):
    """An operation on the server connection took longer than its timeout."""


class ConnectionTimeoutError(ServerTimeoutError):
    """Opening a connection (or waiting for a pool slot) took longer than the connect timeouts."""


class ServerFingerprintMismatch(ServerConnectionError):
    """The SHA-256 digest of the server's certificate is not the expected one."""

    def __init__(self, expected: bytes, got: bytes, host: str, port: int | None) -> None:
        super().__init__(expected, got, host, port)
        self.expected = expected
        self.got = got
        self.host = host
        self.port = port

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} expected={self.expected!r} got={self.got!r} "
            f"host={self.host!r} port={self.port!r}>"
        )

    def __str__(self) -> str:
        return (
            f"Certificate fingerprint mismatch for {self.host}:{self.port}: "
            f"expected {self.expected.hex()}, got {self.got.hex()}"
        )


for _cls in [globals()[_name] for _name in __all__]:
    _cls.__module__ = "httpwire_connectors"
del _cls
