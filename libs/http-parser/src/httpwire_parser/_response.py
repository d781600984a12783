"""ResponseParser: the client side, bytes from the server in, response events out."""

from __future__ import annotations

from collections import deque

from multidict import CIMultiDict, CIMultiDictProxy

from ._abnf import (
    FIELD_BYTES,
    STATUS_CODE_OUT_OF_RANGE_RE,
    STATUS_LINE_RE,
    STATUS_PREFIX,
    STATUS_PREFIX_RE,
    STR_CANONICAL_FIELD_LINE_RE,
    STR_FIELD_LINE_RE,
)
from ._events import EMPTY_HEADERS, Data, EndOfMessage, Event, InformationalResponse, Response
from ._headers import (
    CONNECTION,
    CONTENT_ENCODING,
    CONTENT_LENGTH,
    SMALL_SECTION,
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
    UNTIL_EOF,
    BaseParser,
)
from .exceptions import BadStatusLine, HttpParserError, TransferEncodingError

__all__ = ["ResponseParser"]

#: The usual single Connection values, as sent, mapped to whether the connection persists.
_SIMPLE_CONNECTION = {"keep-alive": True, "close": False, "Keep-Alive": True, "Close": False}
#: Status lines seen so far (bounded), mapped to (version, status, reason): servers send a few
#: lines over and over, so one dict lookup replaces the regex check and the decoding.
_STATUS_LINES: dict[bytes, tuple[tuple[int, int], int, str]] = {}
_STATUS_LINES_MAX = 256
_CANONICAL_FINDALL = STR_CANONICAL_FIELD_LINE_RE.findall
_FIELD_LINES_FINDALL = STR_FIELD_LINE_RE.findall
_new = object.__new__


class ResponseParser(BaseParser):
    """Incremental, strict HTTP/1.1 response parser (RFC 9112), with no I/O of its own.

    Tell it the method of each request whose response is expected with :meth:`expect` (a queue,
    so pipelined requests are matched in order; an empty queue means GET), then pass every byte
    received to :meth:`feed` and the end of the stream to :meth:`feed_eof`. Both return events:
    :class:`InformationalResponse` for 1xx interim responses, then per response a
    :class:`Response`, :class:`Data` pieces and :class:`EndOfMessage`; a 101 with an Upgrade
    header or a 2xx to CONNECT ends with :class:`Upgraded` carrying the bytes that follow the head
    (a 101 without one is an empty final response, the connection staying HTTP/1.1).

    Limits: ``max_line_size`` bounds the status line and chunk lines, ``max_field_size`` each
    field line, ``max_headers`` the number of field lines per section, ``max_trailer_size`` the
    trailer section. Errors are subclasses of :class:`HttpParserError`; they carry the byte
    ``position`` and, in ``events``, what the failing call parsed before the fault; the parser
    then refuses further input. With ``auto_decompress`` the body is decoded per
    Content-Encoding in pieces of at most ``decompress_piece_size`` bytes, and
    :class:`DecompressionLimitError` is raised once the decoded body passes
    ``max_decompressed_size`` (default 64 MiB, None: no limit; its ``events`` then hold no
    Data of that body). One :meth:`feed` returns about ``max_output_per_feed`` decoded bytes at
    most; while :attr:`pending` is True, ``feed(b"")`` returns the next batch (and
    :meth:`feed_eof` is refused). The 64 MiB default is far above any page or API response yet
    stops a decompression bomb early; memory per call is bounded by the budget whatever it is.

    ``lenient=True`` applies what RFC 9112 lets a user agent accept from real servers: a bare
    LF ends a line of the head or trailers (§2.2), and the CRLF of each obs-fold in a field
    value becomes one SP with the whitespace around it kept (§5.2). A bare CR, a fold onto the
    status line, chunk lines without CRLF and every framing rule (Content-Length with
    Transfer-Encoding, differing lengths, parameters on chunked) stay refused. Error positions
    then count the head as rewritten. Off by default; :class:`RequestParser` has no such mode.
    """

    __slots__ = ("_methods",)

    def __init__(
        self,
        *,
        max_line_size: int = 8190,
        max_field_size: int = 8190,
        max_headers: int = 128,
        max_trailer_size: int = 8190,
        auto_decompress: bool = True,
        max_decompressed_size: int | None = DEFAULT_MAX_DECOMPRESSED_SIZE,
        decompress_piece_size: int = 1 << 16,
        max_output_per_feed: int = 1 << 20,
        lenient: bool = False,
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
            STATUS_PREFIX,
            lenient,
        )
        self._methods: deque[str] = deque()

    def expect(self, method: str) -> None:
        """Queue the method of a request sent on this connection, to parse its response right.

        HEAD responses have no body; a 2xx to CONNECT switches the connection to a tunnel.
        """
        self._methods.append(method.upper())

    def _start_line_error(self, buf: bytes, start: int, end: int) -> HttpParserError | None:
        if buf[start:end] in _STATUS_LINES:
            return None  # checked when it was first seen
        m = STATUS_LINE_RE.fullmatch(buf, start, end)
        if m is None:
            pm = STATUS_PREFIX_RE.match(buf, start, end)
            bad = pm.end() if pm is not None else start
            if bad < end and buf[bad] == 13:
                return BadStatusLine("bare CR in the status line", bad)
            out_of_range = STATUS_CODE_OUT_OF_RANGE_RE.match(buf, start, end)
            if out_of_range is not None:
                code = out_of_range.group(1).decode("ascii")
                return BadStatusLine(
                    f"status code {code} is not between 100 and 599 (RFC 9110 §15)", bad
                )
            return BadStatusLine("malformed status line", bad)
        major = buf[start + 5] - 48
        minor = buf[start + 7] - 48
        if major != 1 and (major, minor) != (0, 9):
            return BadStatusLine(f"unsupported HTTP version {major}.{minor}", start + 5)
        return None

    def _on_head(self, buf: bytes, pos: int, nl: int, end: int, events: list[Event]) -> int:
        known = _STATUS_LINES.get(buf[pos:nl])
        if known is None:
            known = self._status_line(buf, pos, nl)
        version, status, reason = known
        # parse_fields' first step (canonical_pairs), inlined: one findall over the section.
        raw: list[tuple[str, str]]
        if end - nl < SMALL_SECTION:
            text = buf[nl + 2 : end + 2].decode("utf-8", "surrogateescape")
            raw = _CANONICAL_FINDALL(text)
            usual = len(raw) == text.count("\n")
        else:
            section = buf[nl + 2 : end + 2]
            text = section.decode("utf-8", "surrogateescape")
            raw = _FIELD_LINES_FINDALL(text)
            usual = len(raw) == text.count("\n") and len(
                section.translate(None, FIELD_BYTES)
            ) == 2 * len(raw)
        if usual and len(raw) <= self._max_headers and end - nl <= self._max_field_size + 2:
            headers = CIMultiDict(raw)
        else:
            headers, raw = parse_fields(
                buf, nl + 2, end + 2, self._origin, self._max_field_size, self._max_headers
            )
        after = end + 4
        if status < 200 and status != 101:
            events.append(
                InformationalResponse(version, status, reason, CIMultiDictProxy(headers), raw)
            )
            return after
        methods = self._methods
        method = methods.popleft() if methods else "GET"
        te_values = headers.getall(TRANSFER_ENCODING, None)
        cl_values = headers.getall(CONTENT_LENGTH, None)
        if cl_values is None:
            length = None
        elif (
            len(cl_values) == 1
            and (value := cl_values[0]).isdigit()
            and value.isascii()
            and len(value) < 19
        ):
            length = int(value)
        else:
            length = content_length(cl_values, buf, nl + 2, end + 2, self._origin)
        if te_values is not None and length is not None:
            raise TransferEncodingError(
                "both Transfer-Encoding and Content-Length (RFC 9112 §6.3)",
                self._origin + nl + 2,
            )
        connection = headers.getall(CONNECTION, None)
        if connection is None:
            keep_alive = version >= (1, 1)
        elif len(connection) == 1 and (simple := _SIMPLE_CONNECTION.get(connection[0])) is not None:
            keep_alive = simple
        else:
            keep_alive = keep_alive_for(version, connection_tokens(connection))
        proxy = CIMultiDictProxy(headers)
        if (status == 101 and UPGRADE in headers) or (method == "CONNECT" and status < 300):
            events.append(Response(version, status, reason, proxy, False, True, False, length, raw))
            events.append(EndOfMessage(EMPTY_HEADERS, ()))
            self._state = SWITCHING
            return after
        # A 101 that names no protocol to switch to (RFC 9110 §15.2.2 requires Upgrade) switches
        # nothing: like a 204 it ends at its head and the connection stays HTTP/1.1.
        if method == "HEAD" or status == 204 or status == 304 or status == 101:
            events.append(
                Response(version, status, reason, proxy, keep_alive, False, False, length, raw)
            )
            events.append(EndOfMessage(EMPTY_HEADERS, ()))
            self._keep_alive = keep_alive
            self._state = HEAD if keep_alive else CLOSED
            return after
        if length is not None:
            # The most common head. This event and the two below are filled in directly,
            # skipping the Python-level dataclass __init__ calls.
            head = _new(Response)
            head.version = version
            head.status = status
            head.reason = reason
            head.headers = proxy
            head.keep_alive = keep_alive
            head.upgrade = False
            head.chunked = False
            head.content_length = length
            head._raw = raw
            events.append(head)
            self._keep_alive = keep_alive
            self._encoded = -1
            if not length:
                events.append(EndOfMessage(EMPTY_HEADERS, ()))
                self._state = HEAD if keep_alive else CLOSED
                return after
            if self._auto_decompress and CONTENT_ENCODING in headers:
                self._setup_decoder(proxy)
                if self._decoder is not None:
                    self._remaining = self._length = length
                    self._state = FIXED
                    return after
            else:
                self._decoder = None
            body_end = after + length
            if body_end <= len(buf):
                # The whole body is here: finish the message without a detour.
                piece = _new(Data)
                piece.data = buf[after:body_end]
                piece.chunk_end = False
                end_event = _new(EndOfMessage)
                end_event.trailers = EMPTY_HEADERS
                end_event._raw = ()
                events += (piece, end_event)
                self._state = HEAD if keep_alive else CLOSED
                return body_end
            self._remaining = self._length = length
            self._state = FIXED
            return after
        chunked = False
        if te_values is not None:
            if len(te_values) == 1 and te_values[0] == "chunked":
                chunked = True
            else:
                fields_at = self._origin + nl + 2
                codings = transfer_codings(te_values, fields_at)
                chunked = chunked_framing(codings, fields_at, request=False)
        if chunked:
            state = CHUNK_SIZE
            if version < (1, 1):
                keep_alive = False
        else:
            state = UNTIL_EOF
            keep_alive = False
        events.append(
            Response(version, status, reason, proxy, keep_alive, False, chunked, length, raw)
        )
        self._keep_alive = keep_alive
        if self._auto_decompress and CONTENT_ENCODING in headers:
            self._setup_decoder(proxy)
        else:
            self._decoder = None
            self._encoded = -1
        self._state = state
        if state == CHUNK_SIZE and after < len(buf):
            # Go on with the body now; if its first chunk line is not all here yet, the
            # dispatch loop comes back to it at `after`.
            new = self._read_chunk_size(buf, after, events)
            return after if new < 0 else new
        return after

    def _status_line(self, buf: bytes, pos: int, nl: int) -> tuple[tuple[int, int], int, str]:
        """Parse and check the status line ``buf[pos:nl]``; remember it if it is a common one."""
        m = STATUS_LINE_RE.fullmatch(buf, pos, nl)
        # Index the line only once it matched: a short garbage line may end the buffer.
        if m is None or (buf[pos + 5] != 0x31 and buf[pos + 5 : pos + 8] != b"0.9"):
            err = self._start_line_error(buf, pos, nl)
            assert err is not None
            assert err.position is not None
            err.position += self._origin
            raise err
        version = (buf[pos + 5] - 48, buf[pos + 7] - 48)
        status = (buf[pos + 9] - 48) * 100 + (buf[pos + 10] - 48) * 10 + buf[pos + 11] - 48
        reason = buf[pos + 13 : nl].decode("utf-8", "surrogateescape") if nl > pos + 13 else ""
        known = (version, status, reason)
        if len(_STATUS_LINES) < _STATUS_LINES_MAX and nl - pos <= 64:
            _STATUS_LINES[buf[pos:nl]] = known
        return known
