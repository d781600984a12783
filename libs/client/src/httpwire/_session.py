"""``ClientSession``: the connection pool, cookie jar and defaults shared by many requests.

A request goes through :meth:`ClientSession._request`: the URL, headers, cookies, auth and body
of each hop are checked and the request head is serialized *before* a connection is taken, so
bad input never costs a connection; then the head (and a small body) go out in one write, the
response head is awaited, cookies are stored and redirects followed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import json as jsonlib
import sys
import traceback
import warnings
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from http.cookies import BaseCookie, SimpleCookie
from ssl import SSLContext
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final

from multidict import CIMultiDict, CIMultiDictProxy, istr
from yarl import URL

from httpwire_connectors import BaseConnector, Connection, TCPConnector
from httpwire_cookies import CookieJar, DummyCookieJar
from httpwire_parser import CONTENT_CODINGS, LocalProtocolError, serialize_request_head
from httpwire_websocket import (
    DEFAULT_MAX_MSG_SIZE,
    ClientHandshake,
    HandshakeError,
    InvalidHeaderError,
    InvalidStatusError,
    WebSocketReader,
    WebSocketWriter,
)

from ._auth import BasicAuth, warn_auth_deprecated
from ._env_proxy import netrc_auth, proxy_for
from ._helpers import DEFAULT_READ_BUFSIZE, HttpVersion, HttpVersion10, HttpVersion11, sentinel
from ._http_writer import StreamWriter
from ._middlewares import ClientMiddlewareType, chain
from ._protocol import ResponseHandler, ResponseParseError
from ._reqrep import BODILESS_METHODS, ClientRequest, ClientResponse, RequestInfo, frame_body
from ._request_cm import _RequestContextManager, _SessionRequestContextManager
from ._timeout import (
    DEFAULT_TIMEOUT,
    NO_TIMER,
    ClientTimeout,
    SharedDeadlines,
    TimerContext,
    ceil_deadline,
)
from ._upload_tracker import UploadTracker
from ._version import __version__
from ._ws_client import (
    DEFAULT_WS_CLIENT_TIMEOUT,
    ClientWebSocketResponse,
    ClientWSTimeout,
    _WSRequestContextManager,
)
from .abc import AbstractCookieJar
from .exceptions import (
    ClientConnectionError,
    ClientError,
    ClientHttpProxyError,
    ClientOSError,
    ClientPayloadError,
    ClientProxyConnectionError,
    ClientResponseError,
    ConnectionTimeoutError,
    InvalidURL,
    InvalidUrlClientError,
    InvalidUrlRedirectClientError,
    NonHttpUrlClientError,
    NonHttpUrlRedirectClientError,
    ServerDisconnectedError,
    TooManyRedirects,
    WSServerHandshakeError,
)
from .formdata import data_payload
from .payload import JsonBytesPayload, JsonPayload, Payload
from .tracing import TraceConfig, build_traces

if TYPE_CHECKING:
    from .tracing import Trace

__all__ = ["ClientSession", "request"]

#: What httpwire sends as User-Agent unless told otherwise.
SERVER_SOFTWARE: Final = (
    f"Python/{sys.version_info[0]}.{sys.version_info[1]} httpwire/{__version__}"
)
_ACCEPT_ENCODING: Final = ", ".join(CONTENT_CODINGS)
_POST_METHODS: Final = frozenset({"PATCH", "POST", "PUT"})
_UNLIMITED = 2**62  # a jar bound no request's cookies reach
_IDEMPOTENT: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"})
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_HTTP_OR_RELATIVE: Final = frozenset({"http", "https", ""})
# In-memory body buffers up to this size go out gathered with the head; of a larger one, this
# much goes with what precedes it and the rest without a copy.
_INLINE_BODY: Final = 1 << 16
# How many distinct plain request heads a session keeps ready (see _build_request).
_HEAD_CACHE_SIZE: Final = 256
_HOST = istr("Host")
_COOKIE = istr("Cookie")
_AUTHORIZATION = istr("Authorization")
_CONTENT_LENGTH = istr("Content-Length")
_CONTENT_TYPE = istr("Content-Type")
_CONTENT_ENCODING = istr("Content-Encoding")
_TRANSFER_ENCODING = istr("Transfer-Encoding")
_SET_COOKIE = istr("Set-Cookie")

CharsetResolver = Callable[[ClientResponse, bytes], str]
RaiseForStatus = bool | Callable[[ClientResponse], Awaitable[None]]


def _declared_limit(headers: CIMultiDict[str], body: Payload) -> int | None:
    """A Content-Length the caller set that is not the body's own size: the bytes to send.

    ``None`` when the header is the body's size (or absent, or the body goes out chunked).
    A declared length beyond a body of known size would leave the server waiting for bytes
    that never come, so it is refused before anything is sent.
    """
    declared = headers.get(_CONTENT_LENGTH)
    if declared is None or _TRANSFER_ENCODING in headers:
        return None
    size = body.size
    if size is not None and declared == str(size):
        return None
    if not (declared.isascii() and declared.isdigit()):
        raise ValueError(f"Content-Length must be a decimal number of bytes, not {declared!r}")
    limit = int(declared)
    if size is not None and limit > size:
        raise ValueError(f"Content-Length {limit} is more than the {size} bytes of the body")
    return limit


def _default_charset(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


def _merge_ssl(
    ssl: SSLContext | bool | Any,
    verify_ssl: bool | None,
    ssl_context: SSLContext | None,
    fingerprint: bytes | None,
) -> Any:
    """aiohttp's deprecated ``verify_ssl``/``ssl_context``/``fingerprint`` folded into ``ssl``."""
    from httpwire_connectors import Fingerprint

    if ssl is None:
        ssl = True
    if verify_ssl is not None:
        warnings.warn("verify_ssl is deprecated, use ssl=False instead", DeprecationWarning, 3)
        if ssl is not True:
            raise ValueError("verify_ssl, ssl_context, fingerprint and ssl are mutually exclusive")
        if not verify_ssl:
            ssl = False
    if ssl_context is not None:
        warnings.warn("ssl_context is deprecated, use ssl=context instead", DeprecationWarning, 3)
        if ssl is not True:
            raise ValueError("verify_ssl, ssl_context, fingerprint and ssl are mutually exclusive")
        ssl = ssl_context
    if fingerprint is not None:
        warnings.warn(
            "fingerprint is deprecated, use ssl=Fingerprint(fingerprint) instead",
            DeprecationWarning,
            3,
        )
        if ssl is not True:
            raise ValueError("verify_ssl, ssl_context, fingerprint and ssl are mutually exclusive")
        ssl = Fingerprint(fingerprint)
    if not isinstance(ssl, (bool, SSLContext, Fingerprint)):
        raise TypeError(
            f"ssl should be SSLContext, bool, Fingerprint or None, got {ssl!r} instead."
        )
    return ssl


def _strip_auth(url: URL) -> tuple[URL, BasicAuth | None]:
    if url.raw_user is None and url.raw_password is None:
        return url, None
    return url.with_user(None), BasicAuth.from_url(url)


def _cookie_value(cookies: BaseCookie[str]) -> str:
    return "; ".join(m.OutputString() for m in cookies.values()) if cookies else ""


class ClientSession:
    """The interface for making HTTP requests, holding a connection pool and a cookie jar.

    Make one per application (or per group of requests that share settings) and close it when
    done, preferably with ``async with``; a session that is garbage-collected open warns.
    What each argument does is explained on the :doc:`/guide/sessions` page, and the
    per-request arguments of :meth:`request` on :doc:`/guide/requests`.
    """

    ATTRS = frozenset(
        [
            "_base_url",
            "_base_url_origin",
            "_source_traceback",
            "_connector",
            "_loop",
            "_cookie_jar",
            "_jar_header",
            "_connector_owner",
            "_default_auth",
            "_version",
            "_json_serialize",
            "_json_serialize_bytes",
            "_middlewares",
            "_requote_redirect_url",
            "_timeout",
            "_raise_for_status",
            "_auto_decompress",
            "_trust_env",
            "_default_headers",
            "_skip_auto_headers",
            "_skip_lower",
            "_request_class",
            "_response_class",
            "_ws_response_class",
            "_trace_configs",
            "_read_bufsize",
            "_max_line_size",
            "_max_field_size",
            "_max_headers",
            "_resolve_charset",
            "_default_proxy",
            "_default_proxy_auth",
            "_retry_connection",
            "_read_until_eof",
            "_head_cache",
            "_deadlines",
        ]
    )

    _source_traceback: traceback.StackSummary | None = None
    _connector: BaseConnector | None = None

    def __init__(
        self,
        base_url: str | URL | None = None,
        *,
        connector: BaseConnector | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        cookies: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        json_serialize: Callable[[Any], str] = jsonlib.dumps,
        json_serialize_bytes: Callable[[Any], bytes] | None = None,
        request_class: type[ClientRequest] = ClientRequest,
        response_class: type[ClientResponse] = ClientResponse,
        ws_response_class: Any = ClientWebSocketResponse,
        version: HttpVersion = HttpVersion11,
        cookie_jar: AbstractCookieJar | None = None,
        connector_owner: bool = True,
        raise_for_status: RaiseForStatus = False,
        read_timeout: Any = sentinel,
        conn_timeout: float | None = None,
        timeout: Any = sentinel,
        auto_decompress: bool = True,
        trust_env: bool = False,
        requote_redirect_url: bool = True,
        trace_configs: list[TraceConfig] | None = None,
        read_bufsize: int = DEFAULT_READ_BUFSIZE,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        fallback_charset_resolver: CharsetResolver = _default_charset,
        middlewares: Sequence[ClientMiddlewareType] = (),
        ssl_shutdown_timeout: Any = sentinel,
        read_until_eof: bool = True,
    ) -> None:
        if loop is None:
            loop = connector._loop if connector is not None else asyncio.get_running_loop()
        if base_url is None or isinstance(base_url, URL):
            self._base_url: URL | None = base_url
        else:
            self._base_url = URL(base_url)
        if self._base_url is not None:
            if not self._base_url.absolute:
                raise ValueError("Only absolute URLs are supported as base_url")
            if not self._base_url.path.endswith("/"):
                raise ValueError("base_url must have a trailing '/'")
        self._base_url_origin = None if self._base_url is None else self._base_url.origin()

        if timeout is sentinel or timeout is None:
            self._timeout = DEFAULT_TIMEOUT
            if read_timeout is not sentinel:
                warnings.warn(
                    "read_timeout is deprecated, use timeout argument instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                self._timeout = dataclasses.replace(self._timeout, total=read_timeout)
            if conn_timeout is not None:
                warnings.warn(
                    "conn_timeout is deprecated, use timeout argument instead",
                    DeprecationWarning,
                    stacklevel=2,
                )
                self._timeout = dataclasses.replace(self._timeout, connect=conn_timeout)
        else:
            if not isinstance(timeout, ClientTimeout):
                raise ValueError(
                    f"timeout parameter cannot be of {type(timeout)} type, "
                    "please use 'timeout=ClientTimeout(...)'"
                )
            if read_timeout is not sentinel:
                raise ValueError(
                    "read_timeout and timeout parameters conflict, please setup timeout.read"
                )
            if conn_timeout is not None:
                raise ValueError(
                    "conn_timeout and timeout parameters conflict, please setup timeout.connect"
                )
            self._timeout = timeout

        if connector is None:
            if ssl_shutdown_timeout is sentinel:
                connector = TCPConnector(loop=loop)
            else:
                connector = TCPConnector(loop=loop, ssl_shutdown_timeout=ssl_shutdown_timeout)
        elif ssl_shutdown_timeout is not sentinel:
            # Ignored with a connector of the caller's (it has its own), but still deprecated.
            warnings.warn(
                "The ssl_shutdown_timeout parameter is deprecated (as in aiohttp 3.14) and is "
                "ignored when a connector is given",
                DeprecationWarning,
                stacklevel=2,
            )
        if connector._loop is not loop:
            raise RuntimeError("Session and connector has to use same event loop")
        connector.protocol_factory = ResponseHandler
        self._loop = loop
        if loop.get_debug():
            self._source_traceback = traceback.extract_stack(sys._getframe(1))

        if cookie_jar is None:
            cookie_jar = CookieJar(loop=loop)
        self._cookie_jar = cookie_jar
        # Our jars build the Cookie value directly; any other jar goes through filter_cookies().
        self._jar_header: Callable[[URL], str] | None = (
            cookie_jar.cookie_header
            if isinstance(cookie_jar, (CookieJar, DummyCookieJar))
            else None
        )
        if cookies:
            self._cookie_jar.update_cookies(cookies)

        warn_auth_deprecated(auth, proxy_auth, stacklevel=2)
        self._connector = connector
        self._connector_owner = connector_owner
        self._default_auth = auth
        self._version = version
        self._json_serialize = json_serialize
        self._json_serialize_bytes = json_serialize_bytes
        self._middlewares = tuple(middlewares)
        self._raise_for_status = raise_for_status
        self._auto_decompress = auto_decompress
        self._trust_env = trust_env
        self._requote_redirect_url = requote_redirect_url
        self._read_bufsize = read_bufsize
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._read_until_eof = read_until_eof
        self._default_headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        self._skip_auto_headers: frozenset[istr] = (
            frozenset(istr(h) for h in skip_auto_headers) if skip_auto_headers else frozenset()
        )
        # The same names lowercased: header names compare case-insensitively.
        self._skip_lower = frozenset(h.lower() for h in self._skip_auto_headers)
        self._request_class = request_class
        self._response_class = response_class
        self._ws_response_class = ws_response_class
        self._trace_configs: list[TraceConfig] = trace_configs or []
        for config in self._trace_configs:
            config.freeze()
        self._resolve_charset = fallback_charset_resolver
        self._default_proxy = proxy
        self._default_proxy_auth = proxy_auth
        self._retry_connection = True
        self._head_cache: dict[tuple[Any, ...], tuple[CIMultiDict[str], bytes]] = {}
        self._deadlines = SharedDeadlines(loop)

    def __init_subclass__(cls) -> None:
        warnings.warn(
            f"Inheritance class {cls.__name__} from ClientSession is discouraged",
            DeprecationWarning,
            stacklevel=2,
        )

    def __del__(self, _warnings: Any = warnings) -> None:
        if not self.closed:
            _warnings.warn(f"Unclosed client session {self!r}", ResourceWarning, source=self)
            context: dict[str, Any] = {"client_session": self, "message": "Unclosed client session"}
            if self._source_traceback is not None:
                context["source_traceback"] = self._source_traceback
            self._loop.call_exception_handler(context)

    # ----------------------------------------------------------------- requests

    def request(self, method: str, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Perform an HTTP request; await it or use it with ``async with``."""
        return _RequestContextManager(self._request(method, url, **kwargs))

    def get(
        self, url: str | URL, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform a GET request."""
        return _RequestContextManager(
            self._request("GET", url, allow_redirects=allow_redirects, **kwargs)
        )

    def options(
        self, url: str | URL, *, allow_redirects: bool = True, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform an OPTIONS request."""
        return _RequestContextManager(
            self._request("OPTIONS", url, allow_redirects=allow_redirects, **kwargs)
        )

    def head(
        self, url: str | URL, *, allow_redirects: bool = False, **kwargs: Any
    ) -> _RequestContextManager:
        """Perform a HEAD request (redirects are not followed unless asked)."""
        return _RequestContextManager(
            self._request("HEAD", url, allow_redirects=allow_redirects, **kwargs)
        )

    def post(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a POST request."""
        return _RequestContextManager(self._request("POST", url, data=data, **kwargs))

    def put(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a PUT request."""
        return _RequestContextManager(self._request("PUT", url, data=data, **kwargs))

    def patch(self, url: str | URL, *, data: Any = None, **kwargs: Any) -> _RequestContextManager:
        """Perform a PATCH request."""
        return _RequestContextManager(self._request("PATCH", url, data=data, **kwargs))

    def delete(self, url: str | URL, **kwargs: Any) -> _RequestContextManager:
        """Perform a DELETE request."""
        return _RequestContextManager(self._request("DELETE", url, **kwargs))

    # --------------------------------------------------------------- websockets

    def ws_connect(
        self,
        url: str | URL,
        *,
        method: str = "GET",
        protocols: Iterable[str] = (),
        timeout: ClientWSTimeout | Any = sentinel,
        receive_timeout: float | None = None,
        autoclose: bool = True,
        autoping: bool = True,
        heartbeat: float | None = None,
        auth: BasicAuth | None = None,
        origin: str | None = None,
        params: Any = None,
        headers: Any = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        ssl: Any = True,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: SSLContext | None = None,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        compress: int = 0,
        max_msg_size: int = DEFAULT_MAX_MSG_SIZE,
        decode_text: bool = True,
    ) -> _WSRequestContextManager:
        """Open a WebSocket connection; await it, or use it with ``async with``."""
        warn_auth_deprecated(auth, proxy_auth, stacklevel=2)
        return _WSRequestContextManager(
            self._ws_connect(
                url,
                method=method,
                protocols=protocols,
                timeout=timeout,
                receive_timeout=receive_timeout,
                autoclose=autoclose,
                autoping=autoping,
                heartbeat=heartbeat,
                auth=auth,
                origin=origin,
                params=params,
                headers=headers,
                proxy=proxy,
                proxy_auth=proxy_auth,
                ssl=ssl,
                verify_ssl=verify_ssl,
                fingerprint=fingerprint,
                ssl_context=ssl_context,
                server_hostname=server_hostname,
                proxy_headers=proxy_headers,
                compress=compress,
                max_msg_size=max_msg_size,
                decode_text=decode_text,
            )
        )

    async def _ws_connect(
        self,
        url: str | URL,
        *,
        method: str,
        protocols: Iterable[str],
        timeout: ClientWSTimeout | Any,
        receive_timeout: float | None,
        autoclose: bool,
        autoping: bool,
        heartbeat: float | None,
        auth: BasicAuth | None,
        origin: str | None,
        params: Any,
        headers: Any,
        proxy: str | URL | None,
        proxy_auth: BasicAuth | None,
        ssl: Any,
        verify_ssl: bool | None,
        fingerprint: bytes | None,
        ssl_context: SSLContext | None,
        server_hostname: str | None,
        proxy_headers: Any,
        compress: int,
        max_msg_size: int,
        decode_text: bool,
    ) -> ClientWebSocketResponse[bool]:
        """The opening handshake through ``_request``, then the WebSocket on its connection.

        Everything is checked before connecting; a response that is not an acceptable 101
        raises :class:`WSServerHandshakeError` and closes the connection.
        """
        if timeout is sentinel:
            ws_timeout = DEFAULT_WS_CLIENT_TIMEOUT
        elif isinstance(timeout, ClientWSTimeout):
            ws_timeout = timeout
        else:
            warnings.warn(
                "parameter 'timeout' of type 'float' is deprecated, please use "
                "'timeout=ClientWSTimeout(ws_close=...)'",
                DeprecationWarning,
                stacklevel=3,
            )
            ws_timeout = ClientWSTimeout(ws_close=timeout)
        if receive_timeout is not None:
            warnings.warn(
                "float parameter 'receive_timeout' is deprecated, please use parameter "
                "'timeout=ClientWSTimeout(ws_receive=...)'",
                DeprecationWarning,
                stacklevel=3,
            )
            ws_timeout = dataclasses.replace(ws_timeout, ws_receive=receive_timeout)
        if ssl is None:
            warnings.warn(
                "ssl=None is deprecated, please use ssl=True", DeprecationWarning, stacklevel=3
            )
            ssl = True
        if ssl is not True or verify_ssl is not None or ssl_context is not None or fingerprint:
            ssl = _merge_ssl(ssl, verify_ssl, ssl_context, fingerprint)
        if heartbeat is not None and heartbeat <= 0:
            raise ValueError(f"heartbeat must be a positive number of seconds, got {heartbeat!r}")
        if max_msg_size < 0:
            raise ValueError(f"max_msg_size must be 0 (no limit) or positive, got {max_msg_size}")
        # A subprotocol that is not a token or a compress outside 9-15 is a ValueError here.
        handshake = ClientHandshake.create(
            protocols=tuple(protocols), origin=origin, compress=compress
        )
        real_headers: CIMultiDict[str] = CIMultiDict(headers) if headers else CIMultiDict()
        for name, value in handshake.request_headers():
            if name in ("Upgrade", "Connection", "Sec-WebSocket-Version"):
                real_headers.setdefault(name, value)
            else:
                real_headers[name] = value

        resp = await self._request(
            method,
            url,
            params=params,
            headers=real_headers,
            read_until_eof=False,
            auth=auth,
            proxy=proxy,
            proxy_auth=proxy_auth,
            _auth_warned=True,
            ssl=ssl,
            server_hostname=server_hostname,
            proxy_headers=proxy_headers,
        )
        try:
            try:
                agreed = handshake.validate_response(resp.status, resp.headers)
            except HandshakeError as exc:
                raise WSServerHandshakeError(
                    resp.request_info,
                    resp.history,
                    message=_handshake_message(exc),
                    status=resp.status,
                    headers=resp.headers,
                ) from exc
            deflate = agreed.deflate
            reader = WebSocketReader(
                is_client=True, max_msg_size=max_msg_size, deflate=deflate, decode_text=decode_text
            )
            writer = WebSocketWriter(is_client=True, deflate=deflate)
            ws_class = self._ws_response_class or ClientWebSocketResponse
            ws: ClientWebSocketResponse[bool] = ws_class(
                reader,
                writer,
                agreed.protocol,
                resp,
                ws_timeout,
                autoclose,
                autoping,
                self._loop,
                heartbeat=heartbeat,
                compress=deflate.client_max_window_bits if deflate is not None else 0,
                client_notakeover=deflate.client_no_context_takeover
                if deflate is not None
                else False,
            )
        except BaseException:
            resp.close()
            raise
        return ws

    def _build_url(self, str_or_url: str | URL) -> URL:
        url = URL(str_or_url)
        base = self._base_url
        if base is not None and not (url.absolute and url.scheme):
            # A relative reference, or a network-path one ("//host/x", RFC 3986 §4.2), which
            # takes base_url's scheme.
            return base.join(url)
        return url

    def _prepare_headers(self, headers: Any) -> CIMultiDict[str]:
        """The session's default headers overridden by the request's (repeats kept)."""
        result: CIMultiDict[str] = CIMultiDict(self._default_headers)
        if headers:
            items = headers.items() if isinstance(headers, Mapping) else headers
            added: set[str] = set()
            for key, value in items:
                if key in added:
                    result.add(key, value)
                else:
                    result[key] = value
                    added.add(key)
        return result

    async def _request(
        self,
        method: str,
        str_or_url: str | URL,
        *,
        params: Any = None,
        data: Any = None,
        json: Any = None,
        cookies: Any = None,
        headers: Any = None,
        skip_auto_headers: Iterable[str] | None = None,
        auth: BasicAuth | None = None,
        allow_redirects: bool = True,
        max_redirects: int = 10,
        compress: str | bool | None = None,
        chunked: bool | int | None = None,
        expect100: bool = False,
        raise_for_status: RaiseForStatus | None = None,
        read_until_eof: bool | None = None,
        proxy: str | URL | None = None,
        proxy_auth: BasicAuth | None = None,
        timeout: Any = sentinel,
        verify_ssl: bool | None = None,
        fingerprint: bytes | None = None,
        ssl_context: SSLContext | None = None,
        ssl: Any = True,
        server_hostname: str | None = None,
        proxy_headers: Any = None,
        trace_request_ctx: Any = None,
        read_bufsize: int | None = None,
        auto_decompress: bool | None = None,
        max_line_size: int | None = None,
        max_field_size: int | None = None,
        max_headers: int | None = None,
        middlewares: Sequence[ClientMiddlewareType] | None = None,
        upload_tracker: UploadTracker | None = None,
        _auth_warned: bool = False,
    ) -> ClientResponse:
        if upload_tracker is not None:
            upload_tracker._bind()
        try:
            if self.closed:
                raise RuntimeError("Session is closed")
            method = method.upper()
            if (auth is not None or proxy_auth is not None) and not _auth_warned:
                warn_auth_deprecated(auth, proxy_auth, stacklevel=3)
            if ssl is not True or verify_ssl is not None or ssl_context is not None or fingerprint:
                ssl = _merge_ssl(ssl, verify_ssl, ssl_context, fingerprint)
            if data is not None and json is not None:
                raise ValueError("data and json parameters can not be used at the same time")
            if json is not None:
                if self._json_serialize_bytes is not None:
                    data = JsonBytesPayload(json, dumps=self._json_serialize_bytes)
                else:
                    data = JsonPayload(json, dumps=self._json_serialize)
            if not isinstance(chunked, bool) and chunked is not None:
                warnings.warn("Chunk size is deprecated #1615", DeprecationWarning, stacklevel=3)
                chunked = True
            chunked_: bool | None = None if chunked is None else bool(chunked)
            headers_ = self._prepare_headers(headers)
            plain = headers is None and skip_auto_headers is None
            try:
                url = self._build_url(str_or_url)
            except ValueError as exc:
                raise InvalidUrlClientError(str_or_url) from exc
            connector = self._connector
            assert connector is not None
            scheme = url.scheme
            if scheme not in connector.allowed_protocol_schema_set or (not scheme and url.raw_host):
                # "//host/x" without base_url names no scheme to speak.
                raise NonHttpUrlClientError(url)
            if skip_auto_headers is not None:
                skip = frozenset(h.lower() for h in skip_auto_headers) | self._skip_lower
            else:
                skip = self._skip_lower
            if proxy is None:
                proxy = self._default_proxy
            if proxy_auth is None:
                proxy_auth = self._default_proxy_auth
            proxy_url: URL | None = None
            proxy_headers_: CIMultiDict[str] | None = None
            if proxy is not None:
                try:
                    proxy_url = URL(proxy)
                except ValueError as exc:
                    raise InvalidURL(proxy) from exc
                if not proxy_url.raw_host:
                    # "proxy.example:3128" or a bare word: no host to connect to (aiohttp's error).
                    raise InvalidURL(proxy_url)
                proxy_headers_ = self._prepare_headers(proxy_headers)
            if timeout is sentinel or timeout is None:
                real_timeout = self._timeout
            elif isinstance(timeout, ClientTimeout):
                real_timeout = timeout
            else:
                real_timeout = ClientTimeout(total=timeout)
            if read_bufsize is None:
                read_bufsize = self._read_bufsize
            if auto_decompress is None:
                auto_decompress = self._auto_decompress
            if read_until_eof is None:
                read_until_eof = self._read_until_eof
            if max_line_size is None:
                max_line_size = self._max_line_size
            if max_field_size is None:
                max_field_size = self._max_field_size
            if max_headers is None:
                max_headers = self._max_headers
            if raise_for_status is None:
                raise_for_status = self._raise_for_status

            loop = self._loop
            timer: TimerContext | None = None
            if real_timeout.total:
                total, threshold = real_timeout.total, real_timeout.ceil_threshold
                timer = TimerContext(loop, total)
                timer.start(
                    ceil_deadline(loop, total, threshold),
                    self._deadlines if total > threshold else None,
                )
            traces: list[Trace] = (
                build_traces(self, self._trace_configs, trace_request_ctx)
                if self._trace_configs
                else []
            )
        except BaseException:
            # Refused before any attempt: the tracker settles with UploadAbortedError.
            if upload_tracker is not None:
                upload_tracker._finalize()
            raise
        resp: ClientResponse | None = None
        body: Payload | None = None
        started = traces
        try:
            if traces:
                started = []
                for trace in traces:
                    await trace.send_request_start(method, url.update_query(params or {}), headers_)
                    started.append(trace)
            with timer if timer is not None else NO_TIMER:
                redirects = 0
                history: list[ClientResponse] = []
                retry = self._retry_connection and method in _IDEMPOTENT
                while True:
                    url, auth_from_url = _strip_auth(url)
                    if not url.raw_host:
                        raise (
                            InvalidUrlRedirectClientError if redirects else InvalidUrlClientError
                        )(url)
                    if not history and auth and auth_from_url:
                        raise ValueError(
                            "Cannot combine AUTH argument with credentials encoded in URL"
                        )
                    if auth is None or (history and auth_from_url is not None):
                        auth = auth_from_url
                    if (
                        auth is None
                        and self._default_auth
                        and (not self._base_url or self._base_url_origin == url.origin())
                    ):
                        auth = self._default_auth
                    if auth is not None and _AUTHORIZATION in headers_:
                        raise ValueError(
                            "Cannot combine AUTHORIZATION header "
                            "with AUTH argument or credentials encoded in URL"
                        )
                    if (
                        auth is None
                        and self._trust_env
                        and _AUTHORIZATION not in headers_
                        and url.raw_host
                    ):
                        # A file read: off the event loop, as aiohttp does it.
                        auth = await self._loop.run_in_executor(None, netrc_auth, url.raw_host)
                    if auth is not None and not isinstance(auth, BasicAuth):
                        raise TypeError("BasicAuth() tuple is required instead")
                    if proxy_url is None and not self._trust_env:
                        hop_proxy = hop_proxy_auth = hop_proxy_headers = None
                    else:
                        hop_proxy, hop_proxy_auth, hop_proxy_headers = await self._hop_proxy(
                            url, proxy_url, proxy_auth, proxy_headers_, proxy_headers
                        )
                    if data is not None and not isinstance(data, Payload):
                        body = data_payload(data)
                        data = body
                    else:
                        body = data
                    req, head = self._build_request(
                        method,
                        url.extend_query(params) if params else url,
                        headers_,
                        skip,
                        cookies,
                        auth,
                        body,
                        compress,
                        chunked_,
                        expect100,
                        ssl,
                        server_hostname,
                        hop_proxy,
                        hop_proxy_auth,
                        hop_proxy_headers,
                        connector.force_close,
                        plain and not history,
                    )
                    if upload_tracker is not None:
                        req._upload_tracker = upload_tracker
                    send_args = (
                        traces,
                        real_timeout,
                        timer,
                        history,
                        retry,
                        read_until_eof,
                        auto_decompress,
                        read_bufsize,
                        max_line_size,
                        max_field_size,
                        max_headers,
                    )
                    try:
                        if middlewares is None:
                            middlewares = self._middlewares
                        if middlewares:
                            resp = await self._send_through(middlewares, req, send_args)
                        else:
                            resp = await self._send(req, head, *send_args)
                    except _Retry:
                        retry = False
                        continue
                    retry = False

                    if _SET_COOKIE in resp.headers:
                        self._cookie_jar.update_cookies_from_headers(
                            resp.headers.getall(_SET_COOKIE), resp.url
                        )
                    if resp.status not in _REDIRECTS or not allow_redirects:
                        break
                    for trace in traces:
                        await trace.send_request_redirect(
                            method, url.update_query(params or {}), headers_, resp
                        )
                    redirects += 1
                    history.append(resp)
                    if max_redirects and redirects >= max_redirects:
                        resp.close()
                        raise TooManyRedirects(history[0].request_info, tuple(history))
                    if (resp.status == 303 and resp.method != "HEAD") or (
                        resp.status in (301, 302) and resp.method == "POST"
                    ):
                        method = "GET"
                        data = None
                        # As aiohttp: only the length goes; a Content-Type the caller set stays.
                        headers_.popall(_CONTENT_LENGTH, None)
                    elif body is not None and not body.reusable:
                        resp.close()
                        raise ClientPayloadError(
                            "Cannot follow redirect with a consumed request body. Use bytes, "
                            "a seekable file-like object, or set allow_redirects=False."
                        )
                    location = resp.headers.get("Location") or resp.headers.get("URI")
                    if location is None:
                        break
                    resp.release()
                    url = self._redirect_target(url, location, resp)
                    if url.origin() != resp.url.origin():
                        auth = None
                        cookies = None
                        headers_.popall(_AUTHORIZATION, None)
                        headers_.popall(_COOKIE, None)
                        headers_.popall("Proxy-Authorization", None)
                    params = None

            if body is not None:
                await body.close()
            if raise_for_status:
                if callable(raise_for_status):
                    await raise_for_status(resp)
                else:
                    resp.raise_for_status()
            if timer is not None:
                conn = resp.connection
                if conn is not None:
                    conn.add_callback(timer.cancel)
                else:
                    timer.cancel()
            resp._history = tuple(history)
            for trace in traces:
                await trace.send_request_end(method, url.update_query(params or {}), headers_, resp)
            if upload_tracker is not None:
                upload_tracker._finalize()
            return resp
        except BaseException as exc:
            if timer is not None:
                timer.cancel()
            if upload_tracker is not None:
                upload_tracker._finalize()
            if resp is not None:
                resp.close()
            if body is not None:
                await body.close()
            # A trace whose on_request_start did not complete gets no terminal event.
            for trace in started:
                await trace.send_request_exception(
                    method,
                    url.update_query(params or {}),
                    headers_,
                    exc,
                )
            raise

    def _redirect_target(self, url: URL, location: str, resp: ClientResponse) -> URL:
        """Where a redirect points, resolved against the current URL and checked."""
        try:
            target = URL(location, encoded=not self._requote_redirect_url)
        except ValueError as exc:
            resp.close()
            raise InvalidUrlRedirectClientError(
                location,
                "Server attempted redirecting to a location that does not look like a URL",
            ) from exc
        scheme = target.scheme
        if scheme not in _HTTP_OR_RELATIVE:
            resp.close()
            raise NonHttpUrlRedirectClientError(location)
        if not scheme or (scheme == url.scheme and not target.raw_host):
            target = url.join(target)
        try:
            target.origin()
        except ValueError as exc:
            resp.close()
            raise InvalidUrlRedirectClientError(target, "Invalid redirect URL origin") from exc
        return target

    def _cookie_header(
        self, url: URL, cookies: Any, existing: str | None, jar_cookie: str | None = None
    ) -> str:
        """The Cookie value for ``url``: the jar's cookies, the request's, and any given header.

        ``jar_cookie`` is the jar's value for ``url`` when the caller already looked it up.
        """
        jar_header = self._jar_header
        if cookies is None and existing is None and jar_header is not None:
            return jar_cookie if jar_cookie is not None else jar_header(url)
        merged: SimpleCookie = SimpleCookie()
        if existing is not None:
            merged.load(existing)
        merged.update(self._cookie_jar.filter_cookies(url))
        if cookies:
            # Cookies given for one request are sent as given: none of the jar's limits apply.
            tmp = CookieJar(
                unsafe=True,
                quote_cookie=getattr(self._cookie_jar, "quote_cookie", True),
                max_cookies_per_domain=_UNLIMITED,
                max_cookies=_UNLIMITED,
                max_cookies_per_request=None,
                max_cookie_header_length=None,
            )
            tmp.update_cookies(cookies)
            for name, morsel in tmp.filter_cookies(url).items():
                merged[name] = morsel
        return _cookie_value(merged)

    def _build_request(
        self,
        method: str,
        url: URL,
        base_headers: CIMultiDict[str],
        skip: frozenset[str],
        cookies: Any,
        auth: BasicAuth | None,
        body: Payload | None,
        compress: str | bool | None,
        chunked: bool | None,
        expect100: bool,
        ssl: Any,
        server_hostname: str | None,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        proxy_headers: CIMultiDict[str] | None,
        force_close: bool,
        plain: bool = False,
    ) -> tuple[ClientRequest, bytes]:
        """One hop's request object and its serialized head, checked before connecting.

        ``plain`` says the headers are the session's own and no cookies were given: such a
        request without body, auth, proxy or cookies from the jar has the same head every
        time, so the head is built once per method and URL and then reused.
        """
        cache_key: tuple[Any, ...] | None = None
        jar_cookie: str | None = None
        if (
            plain
            and body is None
            and auth is None
            and proxy is None
            and not chunked
            and not expect100
            and not force_close
            and cookies is None
            and self._jar_header is not None
            and not (jar_cookie := self._jar_header(url))
        ):
            defaults = self._default_headers
            if not defaults:
                cache_key = (method, url)
            elif _COOKIE not in defaults:
                cache_key = (method, url, *defaults.items())
            if cache_key is not None:
                cached = self._head_cache.get(cache_key)
                if cached is not None:
                    template, head = cached
                    req = self._request_class(
                        method,
                        url,
                        CIMultiDict(template),
                        original_url=url,
                        ssl=ssl,
                        server_hostname=server_hostname,
                        skip_auto_headers=skip,
                    )
                    return req, head
        # Host is not skippable: RFC 9112 §3.2 requires it in every HTTP/1.1 request (aiohttp
        # 3.14 also sends it whatever skip_auto_headers says).
        headers: CIMultiDict[str] = CIMultiDict()
        headers[_HOST] = url.host_port_subcomponent or ""
        for key, value in base_headers.items():
            if key == _HOST:
                headers[key] = value
            else:
                headers.add(key, value)
        if "Accept" not in headers and "accept" not in skip:
            headers["Accept"] = "*/*"
        if "Accept-Encoding" not in headers and "accept-encoding" not in skip:
            headers["Accept-Encoding"] = _ACCEPT_ENCODING
        if "User-Agent" not in headers and "user-agent" not in skip:
            headers["User-Agent"] = SERVER_SOFTWARE
        existing = headers.get(_COOKIE)
        cookie = self._cookie_header(url, cookies, existing, jar_cookie)
        if cookie and cookie != existing:
            if existing is not None:
                del headers[_COOKIE]
            headers[_COOKIE] = cookie
        if not body:
            compress = None
        if headers.get(_CONTENT_ENCODING):
            if compress:
                raise ValueError("compress can not be set if Content-Encoding header is set")
        elif compress:
            if not isinstance(compress, str):
                compress = "deflate"
            elif compress not in ("deflate", "gzip"):
                raise ValueError(f"compress must be True, 'deflate' or 'gzip', not {compress!r}")
            headers[_CONTENT_ENCODING] = compress
            chunked = True
        if auth is not None:
            headers[_AUTHORIZATION] = auth.encode()
        # A Transfer-Encoding of the caller's own frames the body: no Content-Length beside it.
        caller_chunked = "chunked" in headers.get(_TRANSFER_ENCODING, "").lower()
        framed = chunked or caller_chunked
        if body is None:
            if method not in BODILESS_METHODS and not framed and _CONTENT_LENGTH not in headers:
                headers[_CONTENT_LENGTH] = "0"
        elif frame_body(headers, body, skip, framed):
            chunked = True
        if body is not None or method not in BODILESS_METHODS:
            if caller_chunked:
                if _CONTENT_LENGTH in headers:
                    raise ValueError(
                        "Content-Length can not be set together with Transfer-Encoding: chunked"
                    )
                if chunked:
                    raise ValueError(
                        'chunked can not be set if "Transfer-Encoding: chunked" header is set'
                    )
            elif chunked:
                if _CONTENT_LENGTH in headers:
                    raise ValueError("chunked can not be set if Content-Length header is set")
                headers[_TRANSFER_ENCODING] = "chunked"
        if expect100:
            headers["Expect"] = "100-continue"
        default_type = (
            method in _POST_METHODS and "content-type" not in skip and _CONTENT_TYPE not in headers
        )
        if default_type:
            headers[_CONTENT_TYPE] = "application/octet-stream"
        version = self._version
        if "Connection" not in headers:
            if force_close:
                if version == HttpVersion11:
                    headers["Connection"] = "close"
            elif version == HttpVersion10:
                headers["Connection"] = "keep-alive"
        if proxy is not None and proxy_auth is not None:
            if not isinstance(proxy_auth, BasicAuth):
                raise ValueError("proxy_auth must be None or BasicAuth() tuple")
            assert proxy_headers is not None
            proxy_headers["Proxy-Authorization"] = proxy_auth.encode()
        if proxy is not None and proxy_headers and url.scheme not in ("https", "wss"):
            # The proxy is the recipient of an absolute-form request: its headers go along.
            for key, value in proxy_headers.items():
                if key not in headers:
                    headers[key] = value
        if version == HttpVersion10 and _TRANSFER_ENCODING in headers:
            raise ValueError(
                "HTTP/1.0 cannot carry a body of unknown length (chunked); "
                "give its size with Content-Length or use HTTP/1.1"
            )
        req = self._request_class(
            method,
            url,
            headers,
            original_url=url,
            body=body,
            ssl=ssl,
            server_hostname=server_hostname,
            proxy=proxy,
            proxy_auth=proxy_auth,
            proxy_headers=proxy_headers,
            compress=compress or None,
            chunked=bool(chunked),
            skip_auto_headers=skip,
        )
        if default_type:
            req._default_type = True
        head = self._serialize_head(req)
        if cache_key is not None:
            cache = self._head_cache
            if len(cache) >= _HEAD_CACHE_SIZE:
                cache.clear()
            cache[cache_key] = (CIMultiDict(headers), head)
        return req, head

    def _serialize_head(self, req: ClientRequest) -> bytes:
        """The request head of ``req`` as it goes on the wire (``ValueError`` if it cannot)."""
        url = req.url
        if req.method == "CONNECT":
            target = f"{url.host_subcomponent}:{url.port}"
        elif req.proxy is not None and not req.is_ssl():
            target = str(url)
        else:
            target = url.raw_path_qs
        version = self._version
        try:
            return serialize_request_head(
                req.method, target, req.headers, version=(version.major, version.minor)
            )
        except LocalProtocolError as exc:
            raise ValueError(str(exc)) from exc

    async def _send_through(
        self,
        middlewares: Sequence[ClientMiddlewareType],
        req: ClientRequest,
        send_args: tuple[Any, ...],
    ) -> ClientResponse:
        """Send ``req`` through ``middlewares``: the innermost handler sends what they made of it.

        The head is serialized from the request as the middlewares leave it, and the one retry
        of a stale pooled connection happens inside, so a middleware sees one response per call.
        """
        req.session = self

        async def send(request: ClientRequest) -> ClientResponse:
            request.reset_connection_key()
            head = self._serialize_head(request)
            try:
                return await self._send(request, head, *send_args)
            except _Retry:
                args = list(send_args)
                args[4] = False  # retry
                return await self._send(request, head, *args)

        return await chain(send, middlewares)(req)

    async def _send(
        self,
        req: ClientRequest,
        head: bytes,
        traces: list[Trace],
        timeout: ClientTimeout,
        timer: TimerContext | None,
        history: list[ClientResponse],
        retry: bool,
        read_until_eof: bool,
        auto_decompress: bool,
        read_bufsize: int,
        max_line_size: int,
        max_field_size: int,
        max_headers: int,
    ) -> ClientResponse:
        """Take a connection, write the request and wait for the response head."""
        connector = self._connector
        assert connector is not None
        body = req._body
        headers = req.headers
        limit = None if body is None else _declared_limit(headers, body)
        tracker = req._upload_tracker
        attempt = 0 if tracker is None else tracker._attempt_started()
        try:
            conn = await connector.connect(req, traces, timeout)
        except TimeoutError as exc:
            if isinstance(exc, ClientError):
                raise
            raise ConnectionTimeoutError(f"Connection timeout to host {req.url}") from exc
        protocol = conn.protocol
        assert isinstance(protocol, ResponseHandler)
        if req.proxy is not None and req.is_ssl() and not conn.reused:
            try:
                await self._open_tunnel(req, conn, protocol, timeout)
            except BaseException:
                conn.close()
                raise
        expect = headers.get("Expect", "").lower() == "100-continue"
        connection_option = headers.get("Connection")
        if connection_option is not None and "close" in [
            token.strip() for token in connection_option.lower().split(",")
        ]:
            # RFC 9112 §9.6: no further request goes on a connection after one that said close.
            protocol.force_close()
        task: asyncio.Task[None] | None = None
        try:
            waiter = protocol.expect_response(
                req.method,
                read_until_eof=read_until_eof,
                auto_decompress=auto_decompress,
                read_bufsize=read_bufsize,
                timer=timer,
                max_line_size=max_line_size,
                max_field_size=max_field_size,
                max_headers=max_headers,
                expect_continue=expect,
            )
            transport = protocol.transport
            assert transport is not None
            chunked = (
                _TRANSFER_ENCODING in headers and "chunked" in headers[_TRANSFER_ENCODING].lower()
            )
            # A body already in memory goes to the transport in this same tick, small buffers
            # gathered with the head, large ones without a copy past their first 64 KiB.
            chunks = (
                body._in_memory_chunks()
                if body is not None
                and limit is None
                and not chunked
                and not expect
                and req.compress is None
                else None
            )
            body_writer: StreamWriter | None = None
            sent = len(head)
            if body is None:
                # A caller's own Transfer-Encoding: chunked still needs the empty last chunk.
                if chunked:
                    sent += 5
                transport.write(head + b"0\r\n\r\n" if chunked else head)
                if tracker is not None:
                    tracker._attempt_finished(attempt)
                for trace in traces:
                    await trace.send_request_headers(req.method, req.url, headers)
                protocol.start_read_timeout(timeout.sock_read)
            elif chunks is not None:
                pending = head
                for chunk in chunks:
                    if len(chunk) <= _INLINE_BODY:
                        pending += chunk
                    else:
                        view = memoryview(chunk)
                        transport.write(pending + view[:_INLINE_BODY])
                        transport.write(view[_INLINE_BODY:])
                        pending = b""
                if pending:
                    transport.write(pending)
                size = sum(map(len, chunks))
                sent += size
                if tracker is not None:
                    tracker._attempt_writing(attempt, transport, len(head))
                    tracker._add(attempt, size, size)
                for trace in traces:
                    await trace.send_request_headers(req.method, req.url, headers)
                    if body is not None and body.size:
                        await trace.send_request_chunk_sent(req.method, req.url, b"".join(chunks))
                # Only a transport that paused needs a task, to wait for it to drain.
                if protocol.writing_paused:
                    task = self._loop.create_task(
                        self._drain_body(conn, protocol, timeout, tracker, attempt)
                    )
                else:
                    if tracker is not None:
                        tracker._attempt_finished(attempt)
                    protocol.start_read_timeout(timeout.sock_read)
            else:
                transport.write(head)
                if tracker is not None:
                    tracker._attempt_writing(attempt, transport, len(head))
                for trace in traces:
                    await trace.send_request_headers(req.method, req.url, headers)
                body_writer = StreamWriter(protocol)
                task = self._loop.create_task(
                    self._write_body(
                        req,
                        conn,
                        protocol,
                        body_writer,
                        body,
                        limit,
                        chunked,
                        expect,
                        timeout,
                        traces,
                        attempt,
                    )
                )
            try:
                response_head, content = await waiter
            except ResponseParseError as exc:
                raise ClientResponseError(
                    req.request_info,
                    tuple(history),
                    status=400,
                    message=str(exc),
                    headers=getattr(exc.error, "headers", None),
                ) from exc.error
            except (ClientOSError, ServerDisconnectedError):
                if (
                    retry
                    and conn.reused
                    and not protocol.got_bytes
                    and (body is None or body.reusable)
                ):
                    if task is not None:
                        task.cancel()
                    conn.close()
                    raise _Retry() from None
                raise
        except BaseException:
            if task is not None and not task.done():
                # The body writer may be parked in the caller's generator, where closing the
                # connection does not reach it: stop it, or it (and its tracker) never ends.
                task.cancel()
            conn.close()
            raise
        resp = self._response_class(
            req.method,
            req.original_url,
            None,
            connection=conn,
            loop=self._loop,
            session=self,
            history=history,
            request=req,
            charset_resolver=self._resolve_charset,
            writer=task,
            traces=traces,
        )
        resp._start(response_head, content)
        resp._output_size = sent
        if body_writer is not None:
            resp._body_writer = body_writer
        return resp

    async def _hop_proxy(
        self,
        url: URL,
        proxy: URL | None,
        proxy_auth: BasicAuth | None,
        proxy_headers: CIMultiDict[str] | None,
        given_headers: Any,
    ) -> tuple[URL | None, BasicAuth | None, CIMultiDict[str] | None]:
        """The proxy for one hop: the one given, else (with trust_env) the environment's.

        Credentials in the proxy URL become ``proxy_auth`` when none is given, and never
        travel in the URL itself; a proxy from the environment without them takes the netrc
        entry for the proxy's host, as aiohttp does.
        """
        from_env = False
        if proxy is None and self._trust_env:
            proxy = proxy_for(url)
            from_env = True
        if proxy is None:
            return None, None, None
        if proxy.raw_user is not None or proxy.raw_password is not None:
            if proxy_auth is None:
                proxy_auth = BasicAuth.from_url(proxy)
            proxy = proxy.with_user(None)
        elif from_env and proxy_auth is None and proxy.raw_host:
            proxy_auth = await self._loop.run_in_executor(None, netrc_auth, proxy.raw_host)
        if proxy_headers is None:
            proxy_headers = self._prepare_headers(given_headers)
        else:
            proxy_headers = CIMultiDict(proxy_headers)
        return proxy, proxy_auth, proxy_headers

    async def _open_tunnel(
        self,
        req: ClientRequest,
        conn: Connection,
        protocol: ResponseHandler,
        timeout: ClientTimeout,
    ) -> None:
        """Ask the proxy for a tunnel to ``req``'s host (``CONNECT``), then start TLS through it.

        A status other than 2xx, or a malformed answer, is a :class:`ClientHttpProxyError`
        with the status; a proxy that closes first, a :class:`ClientProxyConnectionError`.
        The target's own headers (Authorization, cookies) never go to the proxy.
        """
        proxy = req.proxy
        assert proxy is not None
        url = req.url
        authority = f"{url.host_subcomponent}:{url.port}"
        headers: CIMultiDict[str] = CIMultiDict({_HOST: authority})
        for key, value in (req.proxy_headers or {}).items():
            if key != _HOST:
                headers.add(key, value)
        if "User-Agent" not in headers:
            headers["User-Agent"] = SERVER_SOFTWARE
        head = serialize_request_head("CONNECT", authority, headers, version=(1, 1))
        info = RequestInfo(proxy, "CONNECT", CIMultiDictProxy(headers), proxy)
        waiter = protocol.expect_response("CONNECT", read_until_eof=False)
        transport = protocol.transport
        assert transport is not None
        transport.write(head)
        protocol.start_read_timeout(timeout.sock_read)
        try:
            response_head, _ = await waiter
        except ResponseParseError as exc:
            raise ClientHttpProxyError(
                info, (), status=400, message=f"Malformed response to CONNECT from {proxy}: {exc}"
            ) from exc.error
        except ServerDisconnectedError as exc:
            raise ClientProxyConnectionError(
                req.connection_key,
                ConnectionResetError(f"Proxy {proxy} closed the connection during CONNECT"),
            ) from exc
        status = response_head.status
        if not 200 <= status < 300:
            raise ClientHttpProxyError(
                info,
                (),
                status=status,
                message=response_head.reason,
                headers=response_head.headers,
            )
        if not protocol.end_tunnel_setup():
            raise ClientHttpProxyError(
                info, (), status=status, message=f"Proxy {proxy} sent data before TLS started"
            )
        connector = self._connector
        assert isinstance(connector, TCPConnector)
        await connector.start_tls(conn, req, timeout)

    async def _write_body(
        self,
        req: ClientRequest,
        conn: Connection,
        protocol: ResponseHandler,
        writer: StreamWriter,
        body: Payload | None,
        limit: int | None,
        chunked: bool,
        expect: bool,
        timeout: ClientTimeout,
        traces: list[Trace],
        attempt: int,
    ) -> None:
        """Write the request body with backpressure (after ``100 Continue`` when asked).

        ``limit`` is a Content-Length the caller declared that is not the body's own size:
        no more than that goes on the wire, and a body that ends short of it fails.
        ``attempt`` is this send's number for the request's upload tracker, if it has one.
        """
        tracker = req._upload_tracker
        try:
            if expect:
                waiter = protocol.continue_waiter
                assert waiter is not None
                if not await waiter:
                    # A final status came instead of 100: the body is not sent, and the
                    # connection's state is unknown to the server, so it is not reused.
                    protocol.force_close()
                    if tracker is not None:
                        tracker._attempt_failed(attempt, None)
                    return
            if chunked:
                writer.enable_chunking()
            if req.compress is not None:
                writer.enable_compression(req.compress)
            if traces:
                writer.on_chunk_sent = self._chunk_tracer(req, traces)
            if tracker is not None:
                writer.on_body_write = functools.partial(tracker._add, attempt)
            try:
                if body is not None:
                    if limit is None:
                        await body.write(writer)
                    else:
                        await body.write_with_length(writer, limit)
                        if writer.output_size < limit:
                            raise ClientPayloadError(
                                f"the request body ended after {writer.output_size} of the "
                                f"{limit} bytes its Content-Length announced"
                            )
                await writer.write_eof()
            except OSError as exc:
                error: Exception = ClientOSError(
                    exc.errno, f"Can not write request body for {req.url!s}"
                )
                error.__cause__ = exc
            except ClientConnectionError as exc:
                error = exc
            except Exception as exc:
                error = ClientConnectionError(
                    f"Failed to send bytes into the underlying connection {conn!s}: {exc!r}"
                )
                error.__cause__ = exc
            else:
                if tracker is not None:
                    tracker._attempt_finished(attempt)
                protocol.start_read_timeout(timeout.sock_read)
                return
            if tracker is not None:
                tracker._attempt_failed(attempt, error)
            protocol.abort_exchange(error)
        except asyncio.CancelledError:
            if tracker is not None:
                tracker._attempt_failed(attempt, None)
            conn.close()
            raise
        except BaseException as exc:
            if tracker is not None:
                tracker._attempt_failed(attempt, exc)
            raise

    @staticmethod
    async def _drain_body(
        conn: Connection,
        protocol: ResponseHandler,
        timeout: ClientTimeout,
        tracker: UploadTracker | None,
        attempt: int,
    ) -> None:
        """Wait until the transport has sent a body written whole; then the read clock starts."""
        try:
            await protocol.drain()
        except ClientConnectionError as exc:
            if tracker is not None:
                tracker._attempt_failed(attempt, exc)
            protocol.abort_exchange(exc)
            return
        except asyncio.CancelledError:
            if tracker is not None:
                tracker._attempt_failed(attempt, None)
            conn.close()
            raise
        if tracker is not None:
            tracker._attempt_finished(attempt)
        protocol.start_read_timeout(timeout.sock_read)

    @staticmethod
    def _chunk_tracer(
        req: ClientRequest, traces: list[Trace]
    ) -> Callable[[bytes], Awaitable[None]]:
        async def sent(chunk: bytes) -> None:
            for trace in traces:
                await trace.send_request_chunk_sent(req.method, req.url, chunk)

        return sent

    # --------------------------------------------------------------- lifecycle

    async def close(self) -> None:
        """Close the connector if the session owns it; the session is closed afterwards."""
        if not self.closed:
            if self._connector is not None and self._connector_owner:
                await self._connector.close()
            self._connector = None

    @property
    def closed(self) -> bool:
        """Whether the session is closed (its connector is gone or closed)."""
        return self._connector is None or self._connector.closed

    @property
    def connector(self) -> BaseConnector | None:
        """The connector (connection pool) of the session."""
        return self._connector

    @property
    def cookie_jar(self) -> AbstractCookieJar:
        """The session's cookie jar."""
        return self._cookie_jar

    @property
    def version(self) -> HttpVersion:
        """The HTTP version requests are sent with."""
        return self._version

    @property
    def requote_redirect_url(self) -> bool:
        """Whether redirect URLs are requoted (percent-encoding normalised) before use."""
        return self._requote_redirect_url

    @requote_redirect_url.setter
    def requote_redirect_url(self, val: bool) -> None:
        warnings.warn(
            "session.requote_redirect_url modification is deprecated #2778",
            DeprecationWarning,
            stacklevel=2,
        )
        self._requote_redirect_url = val

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The session's event loop (deprecated, as in aiohttp)."""
        warnings.warn("client.loop property is deprecated", DeprecationWarning, stacklevel=2)
        return self._loop

    @property
    def timeout(self) -> ClientTimeout:
        """The default timeouts of the session's requests."""
        return self._timeout

    @property
    def headers(self) -> CIMultiDict[str]:
        """The default headers sent with every request."""
        return self._default_headers

    @property
    def skip_auto_headers(self) -> frozenset[istr]:
        """Headers the session does not generate by itself."""
        return self._skip_auto_headers

    @property
    def auth(self) -> BasicAuth | None:
        """The default Basic credentials."""
        return self._default_auth

    @property
    def json_serialize(self) -> Callable[[Any], str]:
        """The function that serializes ``json=`` bodies."""
        return self._json_serialize

    @property
    def connector_owner(self) -> bool:
        """Whether closing the session closes the connector."""
        return self._connector_owner

    @property
    def raise_for_status(self) -> RaiseForStatus:
        """Whether (or how) every response's status is checked."""
        return self._raise_for_status

    @property
    def auto_decompress(self) -> bool:
        """Whether response bodies are decoded per Content-Encoding."""
        return self._auto_decompress

    @property
    def trust_env(self) -> bool:
        """Whether proxy settings and ~/.netrc credentials come from the environment."""
        return self._trust_env

    @property
    def trace_configs(self) -> list[TraceConfig]:
        """The tracing configurations of the session."""
        return self._trace_configs

    def detach(self) -> None:
        """Forget the connector without closing it; the session is closed afterwards."""
        self._connector = None

    def __enter__(self) -> None:
        raise TypeError("Use async with instead")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        pass  # pragma: no cover - never reached, __enter__ raises

    async def __aenter__(self) -> ClientSession:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()


def _handshake_message(exc: HandshakeError) -> str:
    """aiohttp's ``WSServerHandshakeError`` message for each way the 101 can be wrong."""
    if isinstance(exc, InvalidStatusError):
        return "Invalid response status"
    if isinstance(exc, InvalidHeaderError):
        if exc.name == "Upgrade":
            return "Invalid upgrade header"
        if exc.name == "Connection":
            return "Invalid connection header"
        if exc.name == "Sec-WebSocket-Accept":
            return "Invalid challenge response"
    return str(exc)


class _Retry(Exception):
    """A reused connection turned out stale before any response byte: send again."""


def request(
    method: str,
    url: str | URL,
    *,
    version: HttpVersion = HttpVersion11,
    connector: BaseConnector | None = None,
    loop: asyncio.AbstractEventLoop | None = None,
    **kwargs: Any,
) -> _SessionRequestContextManager:
    """Send one request with a session of its own; use it with ``async with``.

    Without ``connector`` the session gets a :class:`TCPConnector` that does not keep
    connections alive, and both are closed when the ``async with`` block ends.
    """
    connector_owner = False
    if connector is None:
        connector_owner = True
        connector = TCPConnector(loop=loop, force_close=True)
    session = ClientSession(
        loop=loop,
        cookies=kwargs.pop("cookies", None),
        version=version,
        timeout=kwargs.pop("timeout", sentinel),
        connector=connector,
        connector_owner=connector_owner,
    )
    return _SessionRequestContextManager(session._request(method, url, **kwargs), session)
