"""The client's exception hierarchy, as aiohttp's client reference documents it.

Every class is defined once, in the lowest lib that raises it, and re-exported here by identity, so
``except httpwire.ClientError`` catches what the connection pool raises. The connection side comes
from httpwire-connectors; the response side is defined here::

    ClientError
    ├── ClientResponseError              .request_info .history .status .message .headers
    │   ├── ContentTypeError
    │   ├── WSServerHandshakeError
    │   ├── ClientHttpProxyError
    │   └── TooManyRedirects
    ├── ClientConnectionError
    │   ├── ClientConnectionResetError (also ConnectionResetError)
    │   ├── ClientOSError (also OSError)
    │   │   └── ClientConnectorError
    │   │       ├── ClientConnectorDNSError
    │   │       ├── ClientProxyConnectionError
    │   │       ├── UnixClientConnectorError
    │   │       └── ClientSSLError
    │   │           ├── ClientConnectorSSLError (also ssl.SSLError)
    │   │           └── ClientConnectorCertificateError (also ssl.CertificateError)
    │   └── ServerConnectionError
    │       ├── ServerDisconnectedError
    │       ├── ServerFingerprintMismatch
    │       └── ServerTimeoutError (also asyncio.TimeoutError)
    │           ├── ConnectionTimeoutError
    │           └── SocketTimeoutError
    ├── ClientPayloadError
    │   └── PayloadConnectionClosedError (also RuntimeError)
    ├── InvalidURL (also ValueError)
    │   └── InvalidUrlClientError
    │       └── InvalidUrlRedirectClientError (also RedirectClientError)
    ├── RedirectClientError
    └── NonHttpUrlClientError
        └── NonHttpUrlRedirectClientError (also RedirectClientError)
    WebSocketError (from httpwire_websocket)
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from multidict import CIMultiDict, CIMultiDictProxy, MultiMapping
from yarl import URL

from httpwire_connectors import (
    ClientConnectionError,
    ClientConnectorCertificateError,
    ClientConnectorDNSError,
    ClientConnectorError,
    ClientConnectorSSLError,
    ClientError,
    ClientOSError,
    ClientProxyConnectionError,
    ClientSSLError,
    ConnectionTimeoutError,
    ServerConnectionError,
    ServerDisconnectedError,
    ServerFingerprintMismatch,
    ServerTimeoutError,
    UnixClientConnectorError,
)
from httpwire_websocket import WebSocketError

if TYPE_CHECKING:
    from ._reqrep import RequestInfo

__all__ = [
    "ClientConnectionError",
    "ClientConnectionResetError",
    "ClientConnectorCertificateError",
    "ClientConnectorDNSError",
    "ClientConnectorError",
    "ClientConnectorSSLError",
    "ClientError",
    "ClientHttpProxyError",
    "ClientOSError",
    "ClientPayloadError",
    "ClientProxyConnectionError",
    "ClientResponseError",
    "ClientSSLError",
    "ConnectionTimeoutError",
    "ContentTypeError",
    "InvalidURL",
    "InvalidUrlClientError",
    "InvalidUrlRedirectClientError",
    "NonHttpUrlClientError",
    "NonHttpUrlRedirectClientError",
    "PayloadConnectionClosedError",
    "RedirectClientError",
    "ServerConnectionError",
    "ServerDisconnectedError",
    "ServerFingerprintMismatch",
    "ServerTimeoutError",
    "SocketTimeoutError",
    "TooManyRedirects",
    "UnixClientConnectorError",
    "UploadAbortedError",
    "WSServerHandshakeError",
    "WebSocketError",
]


class ClientResponseError(ClientError):
    """A response arrived but cannot be used: an error status, a bad head, a wrong type.

    ``request_info`` says what was sent (method, URL, headers); ``history`` holds the redirect
    responses that led here; ``status`` and ``message`` are the response's status code and reason
    (or what went wrong reading it); ``headers`` the response headers when there are any.
    ``body`` is an httpwire addition: for an error status found by ``raise_for_status``, the
    start of the response body (at most 64 KiB, decoded) as far as it had arrived, or ``None``
    when none of it had.
    """

    #: The start of the error response's body, if any of it had arrived (httpwire only).
    body: bytes | None = None

    def __init__(
        self,
        request_info: RequestInfo,
        history: Sequence[Any],
        *,
        code: int | None = None,
        status: int | None = None,
        message: str = "",
        headers: MultiMapping[str] | None = None,
    ) -> None:
        self.request_info = request_info
        if code is not None:
            if status is not None:
                raise ValueError(
                    "Both code and status arguments are provided; "
                    "code is deprecated, use status instead"
                )
            warnings.warn(
                "code argument is deprecated, use status instead", DeprecationWarning, stacklevel=2
            )
            status = code
        self.status: int = status if status is not None else 0
        self.message = message
        self.headers = headers
        self.history = tuple(history) if history is not None else ()
        self.args = (request_info, self.history)

    def __str__(self) -> str:
        return f"{self.status}, message={self.message!r}, url={str(self.request_info.real_url)!r}"

    def __repr__(self) -> str:
        args = f"{self.request_info!r}, {self.history!r}"
        if self.status != 0:
            args += f", status={self.status!r}"
        if self.message != "":
            args += f", message={self.message!r}"
        if self.headers is not None:
            args += f", headers={self.headers!r}"
        return f"{type(self).__name__}({args})"

    def __reduce__(self) -> Any:
        # Pickles (unlike aiohttp's) with the response's read-only headers: a
        # CIMultiDictProxy cannot be pickled, so its dict goes and is wrapped again on load.
        # The history's responses stay behind: they belong to a connection and an event loop.
        from ._reqrep import ClientResponse

        history = tuple(item for item in self.history if not isinstance(item, ClientResponse))
        state = {"status": self.status, "message": self.message, "headers": None}
        extra = {
            key: _picklable_headers(value) if key == "headers" else value
            for key, value in self.__dict__.items()
            if key != "history"
        }
        return (_rebuild_response_error, (type(self), self.request_info, history, state), extra)

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        if not state:
            return
        headers = state.get("headers")
        if isinstance(headers, _ReadOnlyHeaders):
            state = {**state, "headers": CIMultiDictProxy(headers.headers)}
        self.__dict__.update(state)

    @property
    def code(self) -> int:
        """The status code (deprecated alias of ``status``)."""
        warnings.warn(
            "code property is deprecated, use status instead", DeprecationWarning, stacklevel=2
        )
        return self.status

    @code.setter
    def code(self, value: int) -> None:
        warnings.warn(
            "code property is deprecated, use status instead", DeprecationWarning, stacklevel=2
        )
        self.status = value


class _ReadOnlyHeaders:
    """A pickled CIMultiDictProxy: its dict, to be wrapped again when loaded."""

    __slots__ = ("headers",)

    def __init__(self, headers: CIMultiDict[str]) -> None:
        self.headers = headers

    def __reduce__(self) -> tuple[Any, ...]:
        return (_ReadOnlyHeaders, (self.headers,))


def _picklable_headers(headers: Any) -> Any:
    if isinstance(headers, CIMultiDictProxy):
        return _ReadOnlyHeaders(CIMultiDict(headers))
    return headers


#: How much of an error response's body :attr:`ClientResponseError.body` keeps: 64 KiB.
ERROR_BODY_LIMIT = 64 * 1024


def _rebuild_response_error(
    cls: type[ClientResponseError],
    request_info: RequestInfo,
    history: tuple[Any, ...],
    state: dict[str, Any],
) -> ClientResponseError:
    return cls(request_info, history, **state)


class ContentTypeError(ClientResponseError):
    """``json()`` found a Content-Type that is not JSON."""


class WSServerHandshakeError(ClientResponseError):
    """The server did not accept the WebSocket handshake."""


class ClientHttpProxyError(ClientResponseError):
    """The proxy answered a CONNECT request with a status other than 200."""


class TooManyRedirects(ClientResponseError):
    """More redirects than ``max_redirects``; ``history`` holds every hop."""


class ClientConnectionResetError(ClientConnectionError, ConnectionResetError):
    """The connection was closed while the request was being written."""


class SocketTimeoutError(ServerTimeoutError):
    """No data arrived from the server for ``sock_read`` seconds."""


class ClientPayloadError(ClientError):
    """The response body could not be read whole: truncated, badly framed or badly encoded."""


class PayloadConnectionClosedError(ClientPayloadError, RuntimeError):
    """The body cannot be read whole: this side closed its connection first (the session or
    the connector was closed). Also a :class:`RuntimeError`, which aiohttp raises there."""


class UploadAbortedError(ClientError):
    """The request body was not sent whole: the attempt that was to send it never started or
    was cut short (a refused ``100-continue``, a cancelled or failed connection)."""


class InvalidURL(ClientError, ValueError):
    """A URL the client cannot use: no host, a bad port, not parseable.

    ``url`` is the URL as given (a :class:`str` when it could not even be parsed);
    ``description`` says what is wrong with it.
    """

    def __init__(self, url: str | URL, description: str | None = None) -> None:
        self._url = url
        self._description = description
        if description:
            super().__init__(url, description)
        else:
            super().__init__(url)

    @property
    def url(self) -> str | URL:
        """The URL that was refused."""
        return self._url

    @property
    def description(self) -> str | None:
        """What is wrong with the URL, when known."""
        return self._description

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self}>"

    def __str__(self) -> str:
        if self._description:
            return f"{self._url} - {self._description}"
        return str(self._url)


class InvalidUrlClientError(InvalidURL):
    """The URL of a request is invalid."""


class RedirectClientError(ClientError):
    """A redirect could not be followed."""


class NonHttpUrlClientError(ClientError):
    """The URL's scheme is not one the client speaks (http, https, ws, wss)."""


class InvalidUrlRedirectClientError(InvalidUrlClientError, RedirectClientError):
    """A redirect pointed at an invalid URL."""


class NonHttpUrlRedirectClientError(NonHttpUrlClientError, RedirectClientError):
    """A redirect pointed at a URL whose scheme is not HTTP."""


for _name in __all__:
    _cls = globals()[_name]
    if _cls.__module__ == __name__:
        _cls.__module__ = "httpwire"
del _name, _cls
