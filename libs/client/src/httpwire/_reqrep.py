"""``RequestInfo``, ``ClientRequest`` (what the connector reads) and ``ClientResponse``."""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import json as jsonlib
import logging
import re
import ssl as ssllib
import warnings
from collections.abc import Callable, Sequence
from http.cookies import SimpleCookie
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Final, NamedTuple

from multidict import CIMultiDict, CIMultiDictProxy, MultiDict, MultiDictProxy
from yarl import URL

from httpwire_connectors import Connection, ConnectionKey, Fingerprint

from ._helpers import (
    ContentDisposition,
    HttpVersion,
    HttpVersion10,
    HttpVersion11,
    parse_content_disposition,
    parse_media_type,
    sentinel,
)
from ._response_cookies import response_cookies
from .exceptions import (
    ERROR_BODY_LIMIT,
    ClientConnectionError,
    ClientResponseError,
    ContentTypeError,
)
from .formdata import data_payload
from .payload import Payload
from .streams import StreamReader

if TYPE_CHECKING:
    from httpwire_parser import Response

    from ._session import ClientSession
    from ._upload_tracker import UploadTracker

__all__ = ["ClientRequest", "ClientResponse", "RequestInfo"]

client_logger = logging.getLogger("httpwire.client")

#: Methods whose bodiless requests carry no ``Content-Length: 0``.
BODILESS_METHODS: Final = frozenset({"CONNECT", "GET", "HEAD", "OPTIONS", "TRACE"})

_JSON_RE = re.compile(r"^application/(?:[\w.+-]+?\+)?json", re.IGNORECASE)
_VERSIONS = {(1, 1): HttpVersion11, (1, 0): HttpVersion10}


class _RequestInfo(NamedTuple):
    url: URL
    method: str
    headers: CIMultiDictProxy[str]
    real_url: URL


class RequestInfo(_RequestInfo):
    """What was sent: the URL (fragment removed), method, headers, and the URL as given.

    ``real_url`` defaults to ``url``, as in aiohttp.
    """

    __slots__ = ()

    def __new__(
        cls,
        url: URL,
        method: str,
        headers: CIMultiDictProxy[str],
        real_url: URL = sentinel,
    ) -> RequestInfo:
        return super().__new__(cls, url, method, headers, url if real_url is sentinel else real_url)

    def __reduce__(self) -> tuple[Any, ...]:
        # A CIMultiDictProxy cannot be pickled: its dict goes instead, wrapped again on load.
        headers: Any = self.headers
        if isinstance(headers, CIMultiDictProxy):
            return (
                _rebuild_request_info,
                (self.url, self.method, CIMultiDict(headers), self.real_url),
            )
        return (RequestInfo, tuple(self))


def _rebuild_request_info(
    url: URL, method: str, headers: CIMultiDict[str], real_url: URL
) -> RequestInfo:
    return RequestInfo(url, method, CIMultiDictProxy(headers), real_url)


def frame_body(
    headers: CIMultiDict[str], body: Payload, skip: frozenset[str], framed: bool
) -> bool:
    """Give ``headers`` what ``body`` brings; returns whether it must go chunked (size unknown).

    That is a Content-Length from its size, unless the request is framed otherwise (``framed``)
    or has one, and its own headers (Content-Type...) where the request has none and they are
    not in ``skip`` (lowercased names).
    """
    chunked = False
    if not framed and "Content-Length" not in headers:
        size = body.size
        if size is not None:
            headers["Content-Length"] = str(size)
        else:
            chunked = True
    for key, value in body.headers.items():
        if key not in headers and not (skip and key.lower() in skip):
            headers[key] = value
    return chunked


class ClientRequest:
    """One request as the connection pool sees it: where to connect and with which TLS setting.

    The session builds it after checking everything the user passed, so a request that reaches
    the pool can be written as is. ``url`` has no fragment; ``original_url`` keeps it.
    """

    __slots__ = (
        "_body",
        "_connection_key",
        "_default_type",
        "_skip",
        "_upload_tracker",
        "chunked",
        "compress",
        "headers",
        "method",
        "original_url",
        "proxy",
        "proxy_auth",
        "proxy_headers",
        "server_hostname",
        "session",
        "ssl",
        "url",
    )

    #: aiohttp's method groups, as it exposes them on its ClientRequest.
    GET_METHODS: ClassVar[set[str]] = {"GET", "HEAD", "OPTIONS", "TRACE"}
    POST_METHODS: ClassVar[set[str]] = {"PATCH", "POST", "PUT"}
    ALL_METHODS: ClassVar[set[str]] = GET_METHODS | POST_METHODS | {"DELETE"}

    def __init__(
        self,
        method: str,
        url: URL,
        headers: CIMultiDict[str],
        *,
        original_url: URL | None = None,
        body: Payload | None = None,
        ssl: ssllib.SSLContext | bool | Fingerprint = True,
        server_hostname: str | None = None,
        proxy: URL | None = None,
        proxy_auth: Any = None,
        proxy_headers: CIMultiDict[str] | None = None,
        compress: str | None = None,
        chunked: bool = False,
        skip_auto_headers: frozenset[str] = frozenset(),
    ) -> None:
        self.method = method
        self.url = url.with_fragment(None) if url.raw_fragment else url
        self.original_url = original_url if original_url is not None else url
        self.headers = headers
        self._body = body
        self.ssl = ssl
        self.server_hostname = server_hostname
        self.proxy = proxy
        self.proxy_auth = proxy_auth
        self.proxy_headers = proxy_headers
        #: The coding (``"deflate"``, ``"gzip"``) the body is compressed with while it is sent,
        #: from ``compress=``; a Content-Encoding header of the caller's own means the body is
        #: encoded already, so it leaves ``None``.
        self.compress = compress
        #: Whether httpwire frames the body with ``Transfer-Encoding: chunked`` (``chunked=True``,
        #: ``compress=`` or a body of unknown size); a caller's own header leaves it false.
        self.chunked = chunked
        # The lowercased names of the headers the request was asked not to get by default.
        self._skip = skip_auto_headers
        #: The session sending the request (set for middlewares, which may make nested calls).
        self.session: ClientSession | None = None
        self._connection_key: ConnectionKey | None = None
        self._upload_tracker: UploadTracker | None = None
        # Content-Type is the octet-stream default of a bodiless POST-like request, which a body
        # given later by update_body() replaces with its own (aiohttp adds it only at sending).
        self._default_type = False

    @property
    def skip_auto_headers(self) -> CIMultiDict[None]:
        """The headers the request was asked not to get by default, keyed case-insensitively."""
        return CIMultiDict((name, None) for name in sorted(self._skip))

    @property
    def body(self) -> Payload | bytes:
        """The body's payload, or ``b""`` when the request has none (as aiohttp shows it)."""
        body = self._body
        return b"" if body is None else body

    @body.setter
    def body(self, value: Any) -> None:
        # aiohttp keeps this setter for old middlewares; update_body() also closes the old body.
        self._replace_body(value)

    async def update_body(self, body: Any) -> None:
        """Send ``body`` instead (anything ``data=`` takes, or ``None`` for none).

        The old body is closed first (a file it holds is released), and the framing headers are
        made again for the new one: Content-Length from its size, else chunked, and the
        Content-Type it brings unless the request has one. Use it from a middleware, before
        calling the handler.
        """
        old = self._body
        if old is not None:
            await old.close()
        self._replace_body(body)

    def _replace_body(self, body: Any) -> None:
        headers = self.headers
        headers.popall("Content-Length", None)
        if self.chunked:
            headers.popall("Transfer-Encoding", None)
        if body is None:
            self._body = None
            if (
                self.method not in BODILESS_METHODS
                and not self.chunked
                and "chunked" not in headers.get("Transfer-Encoding", "").lower()
            ):
                headers["Content-Length"] = "0"
        else:
            payload = data_payload(body)
            self._body = payload
            if self._default_type:
                self._default_type = False
                headers.popall("Content-Type", None)
            framed = self.chunked or "Transfer-Encoding" in headers
            if frame_body(headers, payload, self._skip, framed):
                self.chunked = True
        if self.chunked:
            headers["Transfer-Encoding"] = "chunked"

    def reset_connection_key(self) -> None:
        """Forget the pool key, after something (a middleware) changed the URL or proxy."""
        self._connection_key = None

    @property
    def host(self) -> str:
        """The host to connect to, as in the URL (IDNA-encoded)."""
        host = self.url.raw_host
        assert host is not None
        return host

    @property
    def port(self) -> int | None:
        """The port to connect to (the scheme's default when the URL has none)."""
        return self.url.port

    def is_ssl(self) -> bool:
        """Whether the connection uses TLS (https and wss)."""
        return self.url.scheme in ("https", "wss")

    @property
    def connection_key(self) -> ConnectionKey:
        """The pool key: requests with equal keys may share a connection."""
        key = self._connection_key
        if key is None:
            proxy_headers = self.proxy_headers
            key = self._connection_key = ConnectionKey(
                self.url.raw_host or "",
                self.url.port,
                self.url.scheme in ("https", "wss"),
                self.ssl,
                self.proxy,
                self.proxy_auth,
                hash(tuple(proxy_headers.items())) if proxy_headers else None,
                self.server_hostname,
            )
        return key

    @property
    def request_info(self) -> RequestInfo:
        """The :class:`RequestInfo` for this request."""
        return RequestInfo(self.url, self.method, CIMultiDictProxy(self.headers), self.original_url)


def _parse_links(value: str, base: URL) -> MultiDictProxy[MultiDictProxy[str | URL]]:
    """Parse a Link header (RFC 8288) the way aiohttp exposes it."""
    links: MultiDict[MultiDictProxy[str | URL]] = MultiDict()
    for item in _split_links(value):
        match = re.match(r"\s*<(.*)>(.*)", item, re.M)
        if match is None:
            continue
        url, params_str = match.groups()
        link: MultiDict[str | URL] = MultiDict()
        for param in params_str.split(";"):
            pmatch = re.match(r"^\s*(\S*)\s*=\s*(['\"]?)(.*?)(\2)\s*$", param, re.M)
            if pmatch is None:
                continue
            key, _, val, _ = pmatch.groups()
            link.add(key, val)
        key = link.get("rel", url)
        link.add("url", base.join(URL(url)))
        links.add(str(key), MultiDictProxy(link))
    return MultiDictProxy(links)


def _split_links(value: str) -> list[str]:
    """Split a Link header on commas outside ``<...>`` and quoted strings."""
    out: list[str] = []
    buf: list[str] = []
    in_url = quoted = False
    for ch in value:
        if ch == "<" and not quoted:
            in_url = True
        elif ch == ">" and not quoted:
            in_url = False
        elif ch == '"' and not in_url:
            quoted = not quoted
        elif ch == "," and not in_url and not quoted:
            out.append("".join(buf))
            buf = []
            continue
        buf.append(ch)
    if buf:
        out.append("".join(buf))
    return [part for part in out if part.strip()]


def _default_charset_resolver(response: ClientResponse, body: bytes) -> str:
    return "utf-8"


class ClientResponse:
    """A response: status and headers at once, the body through :attr:`content` or ``read()``.

    The connection goes back to the pool by itself once the body has been read to the end;
    :meth:`release` (or leaving ``async with``) before that closes it instead of draining it.
    """

    # Set per response by the session (attributes, not a long constructor: this is the hot path).
    version: HttpVersion | None = None
    status: int = None  # type: ignore[assignment]
    reason: str | None = None
    content: StreamReader = None  # type: ignore[assignment]
    _headers: CIMultiDictProxy[str] = None  # type: ignore[assignment]
    _raw_headers: Any = ()
    # What went out for the request: the bytes written at once (head, in-memory body), and the
    # writer of a streamed body, which counts the rest (the deprecated output_size).
    _output_size: int = 0
    _body_writer: Any = None
    _upload_complete: asyncio.Future[None] | None = None

    def __init__(
        self,
        method: str,
        url: URL,
        request_info: RequestInfo | None,
        *,
        connection: Connection | None,
        loop: asyncio.AbstractEventLoop,
        session: Any = None,
        history: Sequence[ClientResponse] = (),
        request: ClientRequest | None = None,
        charset_resolver: Callable[[ClientResponse, bytes], str] = _default_charset_resolver,
        writer: asyncio.Task[None] | None = None,
        traces: Sequence[Any] = (),
    ) -> None:
        self.method = method
        self._traces = traces
        self._real_url = url
        self._url = url.with_fragment(None) if url.raw_fragment else url
        self._request_info = request_info
        self._request = request
        self._connection = connection
        self._loop = loop
        self._session = session
        self._history: tuple[ClientResponse, ...] = tuple(history)
        self._resolve_charset = charset_resolver
        self._writer = writer
        self._body: bytes | None = None
        self._closed = True
        self._released = False
        self._in_context = False
        self._cookies: SimpleCookie | None = None
        self._cache: dict[str, Any] = {}

    def _start(self, head: Response, content: StreamReader) -> None:
        """Take the parsed head and the body stream."""
        self.version = _VERSIONS.get(head.version) or HttpVersion(*head.version)
        self.status = head.status
        self.reason = head.reason
        self._headers = head.headers
        self._raw_headers = head
        self.content = content
        self._closed = False
        content.on_eof(self._response_eof)

    # ------------------------------------------------------------------ values

    @property
    def url(self) -> URL:
        """The URL of the request, without its fragment."""
        return self._url

    @property
    def url_obj(self) -> URL:
        """:attr:`url` under its old name (deprecated, as in aiohttp)."""
        warnings.warn("Deprecated, use .url #1654", DeprecationWarning, stacklevel=2)
        return self._url

    @property
    def real_url(self) -> URL:
        """The URL of the request as given, fragment included."""
        return self._real_url

    @property
    def host(self) -> str:
        """The host the request went to."""
        host = self._url.host
        assert host is not None
        return host

    @property
    def headers(self) -> CIMultiDictProxy[str]:
        """The response headers (case-insensitive, repeats kept)."""
        return self._headers

    @property
    def raw_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The headers as received: ``(name, value)`` bytes pairs in wire order."""
        raw = self._raw_headers
        if isinstance(raw, tuple):
            return raw
        built: tuple[tuple[bytes, bytes], ...] = raw.raw_headers
        self._raw_headers = built
        return built

    @property
    def request_info(self) -> RequestInfo:
        """What was sent: URL, method and headers."""
        info = self._request_info
        if info is None:
            assert self._request is not None
            info = self._request_info = self._request.request_info
        return info

    @property
    def connection(self) -> Connection | None:
        """The connection carrying the body, until it is released."""
        return self._connection

    @property
    def history(self) -> tuple[ClientResponse, ...]:
        """The redirect responses that led here, earliest first."""
        return self._history

    @property
    def ok(self) -> bool:
        """``True`` when the status is below 400."""
        return self.status < 400

    @property
    def closed(self) -> bool:
        """Whether the response is done with its connection."""
        return self._closed

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies the response set: one ``Morsel`` per Set-Cookie field, as it was sent."""
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = response_cookies(self._headers.getall("Set-Cookie", ()))
        return cookies

    @cookies.setter
    def cookies(self, value: SimpleCookie) -> None:
        self._cookies = value

    def _content_type_parts(self) -> tuple[str, dict[str, str]]:
        cached = self._cache.get("ctype")
        if cached is None:
            raw = self._headers.get("Content-Type")
            cached = self._cache["ctype"] = (
                parse_media_type(raw) if raw else ("application/octet-stream", {})
            )
        return cached

    @property
    def content_type(self) -> str:
        """The media type of the body (``application/octet-stream`` when none is given)."""
        return self._content_type_parts()[0]

    @property
    def charset(self) -> str | None:
        """The ``charset`` parameter of Content-Type, if any."""
        return self._content_type_parts()[1].get("charset")

    @property
    def content_length(self) -> int | None:
        """The Content-Length value, if the response has one."""
        value = self._headers.get("Content-Length")
        return int(value) if value is not None else None

    @property
    def content_disposition(self) -> ContentDisposition | None:
        """The parsed Content-Disposition, or ``None`` without one."""
        return parse_content_disposition(self._headers.get("Content-Disposition"))

    @property
    def links(self) -> MultiDictProxy[MultiDictProxy[str | URL]]:
        """The Link header, keyed by ``rel`` (or the URL), each with its params and ``url``."""
        links_str = ", ".join(self._headers.getall("link", []))
        if not links_str:
            return MultiDictProxy(MultiDict())
        return _parse_links(links_str, self._url)

    def __repr__(self) -> str:
        ascii_encodable_url = str(self._url)
        reason = (self.reason or "").encode("ascii", "backslashreplace").decode("ascii")
        return (
            f"<ClientResponse({ascii_encodable_url}) [{self.status} {reason}]>\n{self._headers!r}\n"
        )

    @property
    def output_size(self) -> int:
        """Bytes sent for this request so far: head, body and its framing (deprecated).

        Deprecated in aiohttp 3.14.4, as here: an :class:`~httpwire.UploadTracker` follows an
        upload without polling.
        """
        warnings.warn(
            "ClientResponse.output_size is deprecated, use httpwire.UploadTracker instead",
            DeprecationWarning,
            stacklevel=2,
        )
        writer = self._body_writer
        return self._output_size + (writer.output_size if writer is not None else 0)

    @property
    def upload_complete(self) -> asyncio.Future[None]:
        """A future done once the request body has been sent whole (deprecated, as in aiohttp).

        It is done at once when the body went out with the head; a body that fails or is
        cancelled still completes it, since the upload is over either way.
        """
        warnings.warn(
            "ClientResponse.upload_complete is deprecated, use httpwire.UploadTracker instead",
            DeprecationWarning,
            stacklevel=2,
        )
        future = self._upload_complete
        if future is None:
            future = self._upload_complete = self._loop.create_future()
            writer = self._writer
            if writer is None or writer.done():
                future.set_result(None)
            else:

                def settle(_: object) -> None:
                    if not future.done():
                        future.set_result(None)

                writer.add_done_callback(settle)
        return future

    # --------------------------------------------------------------- lifecycle

    def _request_written(self) -> bool:
        """Whether the request body has been written whole (or there was no writer)."""
        writer = self._writer
        return writer is None or writer.done()

    def _response_eof(self) -> None:
        """The body has been received whole: the connection can go back to the pool."""
        if self._closed:
            return
        conn = self._connection
        if conn is not None and self._request_written():
            self._connection = None
            conn.release()
        self._closed = True

    def release(self) -> Any:
        """Done with the response: pool the connection if the body was read, else close it."""
        if not self._released:
            self._notify_content()
        self._closed = True
        conn = self._connection
        if conn is not None:
            self._connection = None
            content = self.content
            if (content is not None and not content.is_eof()) or not self._request_written():
                # An unread body, or a request body not yet all written: the connection is in
                # the middle of a message one way or the other, so it is never reused.
                conn.close()
            else:
                conn.release()
        self._cancel_writer()
        return _DONE

    def close(self) -> None:
        """Close the response and its connection, whatever state they are in."""
        if not self._released:
            self._notify_content()
        self._closed = True
        self._cancel_writer()
        conn = self._connection
        if conn is not None:
            self._connection = None
            conn.close()

    def _notify_content(self) -> None:
        # As in aiohttp, a released response's body is gone: reads of ``content`` (one that is
        # waiting, too) raise instead of returning what happened to be buffered.
        self._released = True
        content = self.content
        if content is not None and content.exception() is None:
            content.set_exception(ClientConnectionError("Connection closed"))

    def _cancel_writer(self) -> None:
        writer = self._writer
        if writer is not None and not writer.done():
            writer.cancel()
        self._writer = None

    async def wait_for_close(self) -> None:
        """Wait until the request body is written, then release the response."""
        writer = self._writer
        if writer is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await writer
            self._writer = None
        self.release()

    def __del__(self, _warnings: Any = None) -> None:
        conn = getattr(self, "_connection", None)
        if conn is None:
            return
        self._connection = None
        if not self._loop.is_closed():
            conn.close()
            if self._loop.get_debug():
                self._loop.call_exception_handler(
                    {"client_response": self, "message": "Unclosed response"}
                )

    async def __aenter__(self) -> ClientResponse:
        self._in_context = True
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        self._in_context = False
        self.release()  # it also cancels a writer still running: nothing is left to wait for

    # ------------------------------------------------------------------ reading

    def raise_for_status(self) -> None:
        """Raise :class:`ClientResponseError` when the status is 400 or above."""
        if self.status >= 400:
            reason = self.reason
            # The error body, as far as it has arrived: what says why is often only there.
            body = self._body
            if body is not None:
                body = body[:ERROR_BODY_LIMIT]
            elif self.content is not None:
                body = self.content._buffered_prefix(ERROR_BODY_LIMIT)
            if not self._in_context:
                self.release()
            error = ClientResponseError(
                self.request_info,
                self.history,
                status=self.status,
                message=reason or "",
                headers=self.headers,
            )
            error.body = body
            raise error

    async def read(self) -> bytes:
        """The whole body (decoded per Content-Encoding unless auto_decompress is off)."""
        body = self._body
        if self._released and (
            # aiohttp 3.14: read() after release() raises even for a body read before (text()
            # and json() still decode that one); an empty body at its end still reads as b"".
            body is not None or self.content is None or not self.content.at_eof()
        ):
            raise ClientConnectionError("Connection closed")
        if body is not None:
            return body
        try:
            body = self._body = await self.content.read()
            for trace in self._traces:
                await trace.send_response_chunk_received(self.method, self.url, body)
        except BaseException:
            self.close()
            raise
        return body

    def get_encoding(self) -> str:
        """The charset to decode the body with: Content-Type's, JSON's UTF-8, or the fallback."""
        mimetype, params = self._content_type_parts()
        encoding = params.get("charset")
        if encoding:
            with contextlib.suppress(LookupError, ValueError):
                return codecs.lookup(encoding).name
        if mimetype in ("application/json", "application/rdap+json"):
            return "utf-8"
        if self._body is None:
            raise RuntimeError("Cannot compute fallback encoding of a not yet read body")
        return self._resolve_charset(self, self._body)

    async def text(self, encoding: str | None = None, errors: str = "strict") -> str:
        """The body decoded with ``encoding`` (by default :meth:`get_encoding`)."""
        body = self._body if self._body is not None else await self.read()
        if encoding is None:
            encoding = self.get_encoding()
        return body.decode(encoding, errors=errors)

    async def json(
        self,
        *,
        encoding: str | None = None,
        loads: Callable[[str], Any] = jsonlib.loads,
        content_type: str | None = "application/json",
    ) -> Any:
        """The body parsed as JSON; ``None`` for an empty body.

        Raises :class:`ContentTypeError` when the Content-Type is not JSON (``application/json``
        or any ``+json`` type), unless ``content_type`` is ``None``.
        """
        body = self._body if self._body is not None else await self.read()
        if content_type:
            ctype = self._headers.get("Content-Type", "").lower()
            if not _JSON_RE.match(ctype) and (content_type not in ctype):
                raise ContentTypeError(
                    self.request_info,
                    self.history,
                    status=self.status,
                    message=f"Attempt to decode JSON with unexpected mimetype: {ctype}",
                    headers=self.headers,
                )
        stripped = body.strip()
        if not stripped:
            return None
        if encoding is None:
            encoding = self.get_encoding()
        return loads(stripped.decode(encoding))


class _Done:
    """An awaitable that is already finished: ``release()`` works with and without ``await``."""

    __slots__ = ()

    def __await__(self) -> Any:
        return iter(())


_DONE = _Done()
