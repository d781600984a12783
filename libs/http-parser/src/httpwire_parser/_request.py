"""RequestParser: the server side, bytes from the client in, request events out."""

from __future__ import annotations

from multidict import CIMultiDictProxy

from ._abnf import REQUEST_LINE_RE, REQUEST_PREFIX, REQUEST_PREFIX_RE
from ._events import EMPTY_HEADERS, EndOfMessage, Event, Request
from ._headers import (
    CONNECTION,
    CONTENT_LENGTH,
    TRANSFER_ENCODING,
    UPGRADE,
    chunked_framing,
    connection_tokens,
    content_length,
    keep_alive_for,
    parse_fields,
    transfer_codings,
)
from ._readers import (
    CHUNK_SIZE,
    CLOSED,
    DEFAULT_MAX_DECOMPRESSED_SIZE,
    FIXED,
    HEAD,
    SWITCHING,
    BaseParser,
)
from .exceptions import BadRequestLine, HttpParserError, InvalidHeader, TransferEncodingError

__all__ = ["RequestParser"]


class RequestParser(BaseParser):
    """Incremental, strict HTTP/1.1 request parser (RFC 9112) for servers, with no I/O of its own.

    Feed it what the client sends; it returns a :class:`Request` head, :class:`Data` pieces and
    :class:`EndOfMessage` per request, pipelined requests one after another. A request body is
    framed only by Content-Length or a final ``chunked`` transfer coding; anything ambiguous
    (both, a non-final ``chunked``, an unknown coding) is rejected, as are HTTP/1.1 requests
    without exactly one Host field (RFC 9112 §3.2). CONNECT, and requests that ask to upgrade
    (``Connection: upgrade`` plus ``Upgrade``), end with :class:`Upgraded` after their message;
    a server that declines the upgrade feeds ``Upgraded.tail`` to a new parser.

    ``auto_decompress`` (off by default for servers) decodes a compressed request body, with
    the response parser's limits: ``max_decompressed_size`` (64 MiB by default) per body and
    about ``max_output_per_feed`` decoded bytes per :meth:`feed`, ``feed(b"")`` giving the
    next batch while :attr:`pending` is True.
    """

    __slots__ = ()

    def __init__(
        self,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_trailer_size: int = 8190,
        auto_decompress: bool = False,
        max_decompressed_size: int | None = DEFAULT_MAX_DECOMPRESSED_SIZE,
        decompress_piece_size: int = 1 << 16,
        max_output_per_feed: int = 1 << 20,
    ) -> None:
        BaseParser.__init__(
            self,
            max_line_size,
            max_field_size,
            max_headers,
            max_trailer_size,
            auto_decompress,
            max_decompressed_size,
            decompress_piece_size,
            max_output_per_feed,
            REQUEST_PREFIX,
        )

    def _bad_start_line(self, message: str, position: int) -> HttpParserError:
        return BadRequestLine(message, position)

    def _start_line_error(self, buf: bytes, start: int, end: int) -> HttpParserError | None:
        m = REQUEST_LINE_RE.fullmatch(buf, start, end)
        if m is None:
            pm = REQUEST_PREFIX_RE.match(buf, start, end)
            bad = pm.end() if pm is not None else start
            return BadRequestLine("malformed request line", bad)
        if m.group(3) != b"1":
            return BadRequestLine("unsupported HTTP version", m.start(3))
        return None

    def _on_head(self, buf: bytes, pos: int, nl: int, end: int, events: list[Event]) -> int:
        origin = self._origin
        m = REQUEST_LINE_RE.fullmatch(buf, pos, nl)
        if m is None or m.group(3) != b"1":
            err = self._start_line_error(buf, pos, nl)
            assert err is not None
            assert err.position is not None
            err.position += origin
            raise err
        method = m.group(1).decode("ascii")
        target = m.group(2).decode("ascii")
        version = (1, buf[nl - 1] - 48)
        headers, raw = parse_fields(
            buf, nl + 2, end + 2, origin, self._max_field_size, self._max_headers
        )
        fields_at = origin + nl + 2
        hosts = headers.getall("Host", ())
        if len(hosts) > 1 or (version >= (1, 1) and not hosts):
            raise InvalidHeader("an HTTP/1.1 request needs exactly one Host field", fields_at)
        te_values = headers.getall(TRANSFER_ENCODING, None)
        codings = None if te_values is None else transfer_codings(te_values, fields_at)
        cl_values = headers.getall(CONTENT_LENGTH, None)
        length = (
            None if cl_values is None else content_length(cl_values, buf, nl + 2, end + 2, origin)
        )
        if codings is not None and length is not None:
            raise TransferEncodingError(
                "both Transfer-Encoding and Content-Length (RFC 9112 §6.3)", fields_at
            )
        tokens = connection_tokens(headers.getall(CONNECTION, []))
        keep_alive = keep_alive_for(version, tokens)
        chunked = codings is not None and chunked_framing(codings, fields_at, request=True)
        if chunked and version < (1, 1):
            keep_alive = False
        connect = method == "CONNECT"
        upgrade = connect or ("upgrade" in tokens and UPGRADE in headers)
        proxy = CIMultiDictProxy(headers)
        events.append(
            Request(method, target, version, proxy, keep_alive, upgrade, chunked, length, raw)
        )
        self._keep_alive = keep_alive
        after = end + 4
        if connect or (not chunked and not length):
            self._encoded = -1
            events.append(EndOfMessage(EMPTY_HEADERS, ()))
            self._state = SWITCHING if upgrade else (HEAD if keep_alive else CLOSED)
            return after
        self._upgrade_after = upgrade
        self._setup_decoder(proxy)
        self._remaining = self._length = length or 0
        self._state = CHUNK_SIZE if chunked else FIXED
        return after
