"""The incremental engine shared by both parsers: buffering, the state table and the body readers.

House rules:
- A reader is ``(buf, pos, events) -> new pos``; it returns -1 when it needs more bytes, and the
  bytes from ``pos`` on are then kept (and only those: everything before ``pos`` was consumed).
- ``READERS`` below maps each state to its reader; framing is chosen once, when a head completes.
- No per-byte or per-line Python loops on the hot path: heads are found with ``bytes.find``,
  field sections are checked and split by a few C-level calls over the whole section (see
  ``parse_fields``), bodies are sliced.
- While a head (or a chunk line) is incomplete, what has arrived is validated as it arrives,
  resuming where the last check stopped (``_checked``, ``_tail``, ``_tail_state``, ``_scan``):
  garbage is rejected early and byte-at-a-time feeding costs time linear in the bytes fed.
- Decoded output is bounded per ``feed()`` call (``max_output_per_feed``): a reader whose decoder
  piece crosses the budget hands the decoder's lazy output iterator to ``_held`` and the rest of
  its input to ``_queue`` (see ``_pump``), and returns as if it had consumed everything; the next
  call resumes there. Identity bodies are not budgeted: they are no larger than the input.
- After any error the parser is unusable: every later call raises ParserStateError.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Final

from multidict import CIMultiDictProxy

from ._abnf import (
    CHUNK_LINE_RE,
    CHUNK_PREFIX,
    CHUNK_PREFIX_RE,
    FIELD_BLOCK_RE,
    FIELD_PREFIX,
    LinePrefix,
)
from ._decoders import ContentDecoder
from ._events import EMPTY_HEADERS, Data, EndOfMessage, Event, Upgraded
from ._headers import (
    CONTENT_ENCODING,
    check_content_length_lines,
    describe_line_fault,
    field_block_error,
    parse_fields,
)
from ._lenient import fix_section, is_strict
from .exceptions import (
    BadStatusLine,
    DataAfterClose,
    DecompressionLimitError,
    HttpParserError,
    IncompleteMessage,
    InvalidHeader,
    LineTooLong,
    LocalProtocolError,
    ParserStateError,
    RemoteProtocolError,
    TooManyHeaders,
    TransferEncodingError,
)

__all__: list[str] = []

# Parser states; each indexes the reader table.
HEAD: Final = 0
FIXED: Final = 1
CHUNK_SIZE: Final = 2
CHUNK_DATA: Final = 3
CHUNK_CRLF: Final = 4
TRAILERS: Final = 5
UNTIL_EOF: Final = 6
CLOSED: Final = 7
SWITCHING: Final = 8
# Terminal states (no reader): >= UPGRADED. HELD is not terminal: decoded output is pending and
# the state to go back to is in `_held`; feed() and feed_eof() test it only once past the one
# comparison they make anyway, so the other states pay nothing for it.
UPGRADED: Final = 9
FAILED: Final = 10
FINISHED: Final = 11
HELD: Final = 12

#: The default ``max_decompressed_size``: 64 MiB. Memory per call is bounded by
#: ``max_output_per_feed`` whatever this is; the cap is for callers that gather a whole body
#: (``read()``), where 64 MiB is far above any page or API response, while a brotli bomb stops
#: after about 13 KB of its input instead of filling a gigabyte (the earlier default, 1 GiB).
DEFAULT_MAX_DECOMPRESSED_SIZE: Final = 1 << 26

#: The states whose input is a head or trailer section (what lenient mode may rewrite).
_SECTION_STATES: Final = frozenset({HEAD, TRAILERS})
_HEXDIGITS: Final = frozenset(b"0123456789abcdefABCDEF")
_new: Final = object.__new__
#: Chunk-size lines without extensions seen so far (bounded), mapped to their value: one dict
#: lookup per chunk instead of a regex and a hex conversion, as servers reuse a few sizes.
_CHUNK_SIZES: Final[dict[bytes, int]] = {}

_TERMINAL_REASON = {
    UPGRADED: "the connection switched protocols; hand later bytes to the new protocol",
    FAILED: "the parser failed earlier; its state is no longer meaningful",
    FINISHED: "feed_eof() was called; the stream is over",
}


class BaseParser:
    """State and readers shared by :class:`ResponseParser` and :class:`RequestParser`."""

    __slots__ = (
        "_auto_decompress",
        "_budget",
        "_checked",
        "_cl_seen",
        "_decoder",
        "_encoded",
        "_fed",
        "_held",
        "_keep_alive",
        "_length",
        "_lenient",
        "_lines",
        "_max_decompressed_size",
        "_max_field_size",
        "_max_head_size",
        "_max_headers",
        "_max_line_size",
        "_max_trailer_size",
        "_origin",
        "_pending",
        "_piece_size",
        "_queue",
        "_remaining",
        "_scan",
        "_spent",
        "_start_prefix",
        "_state",
        "_tail",
        "_tail_state",
        "_upgrade_after",
    )

    def __init__(
        self,
        max_line_size: int,
        max_field_size: int,
        max_headers: int,
        max_trailer_size: int,
        auto_decompress: bool,
        max_decompressed_size: int | None,
        decompress_piece_size: int,
        max_output_per_feed: int,
        start_prefix: LinePrefix,
        lenient: bool = False,
    ) -> None:
        if (
            max_line_size < 1
            or max_field_size < 1
            or max_headers < 1
            or max_trailer_size < 1
            or decompress_piece_size < 1
            or max_output_per_feed < 1
        ):
            raise LocalProtocolError("size limits must be positive")
        self._max_line_size = max_line_size
        self._max_field_size = max_field_size
        self._max_headers = max_headers
        self._max_trailer_size = max_trailer_size
        self._max_head_size = max_line_size + 4 + max_headers * (max_field_size + 2)
        self._auto_decompress = auto_decompress
        self._max_decompressed_size = max_decompressed_size
        self._piece_size = decompress_piece_size
        self._budget = max_output_per_feed
        # Decoded bytes returned by the current feed() call; the held decoder output (iterator,
        # next piece, chunk_end, finish the message after it) and the input not parsed yet (made
        # on the first hold: most parsers never need one).
        self._spent = 0
        self._held: tuple[Iterator[bytes], bytes, bool, bool, int] | None = None
        self._queue: deque[bytes] | None = None
        self._start_prefix = start_prefix
        self._lenient = lenient
        self._state: int = HEAD
        self._pending = bytearray()
        self._fed = 0
        self._origin = 0
        # Where the validation of an incomplete head or chunk line stopped, relative to its
        # start: the first line not complete yet, how far that line is valid, the LinePrefix
        # state there, and where to look for the end of the head next.
        self._checked = 0
        self._tail = 0
        self._tail_state = 0
        self._scan = 0
        self._lines = 0
        self._cl_seen = False
        self._remaining = 0
        # The Content-Length of the body being read (for the error when it is cut short).
        self._length = 0
        self._keep_alive = True
        self._upgrade_after = False
        self._decoder: ContentDecoder | None = None
        # Encoded bytes of the latest body given to its decoder; -1 when it has no decoder.
        self._encoded = -1

    # -- public driving API -------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:
        """Parse the next bytes of the stream and return the events they complete.

        Any split of the stream gives the same heads, trailers and end-of-message events, and the
        same body bytes (possibly in different :class:`Data` pieces). Decoded body bytes are
        returned about ``max_output_per_feed`` at a time: when :attr:`pending` is then True, call
        ``feed(b"")`` for the next batch (new bytes may be fed too; they are parsed after what
        is held, and the events are the same as with an unbounded budget).
        """
        state = self._state
        if state >= UPGRADED:
            if state == HELD:
                return self._feed_held(data)
            raise ParserStateError(f"feed() refused: {_TERMINAL_REASON[state]}")
        self._spent = 0
        events: list[Event] = []
        pending = self._pending
        # In lenient mode, the position whose section is already strict (a pending one is).
        fixed_at = -1
        try:
            if pending:
                fixed_at = 0
                origin = self._fed - len(pending)
                self._fed += len(data)
                self._origin = origin
                pending += data
                if self._lenient and state in _SECTION_STATES:
                    self._lenient_pending(pending, len(data))
                if state == HEAD:
                    if pending.find(b"\r\n\r\n", self._scan) < 0:
                        self._head_incomplete(pending, 0, len(pending))
                        return events
                elif state == TRAILERS:
                    if (
                        not pending.startswith(b"\r\n")
                        and pending.find(b"\r\n\r\n", self._scan) < 0
                    ):
                        self._head_incomplete(pending, 0, len(pending))
                        return events
                elif state == CHUNK_SIZE:
                    if pending.find(b"\n", self._tail) < 0:
                        self._chunk_line_incomplete(pending, 0, len(pending))
                        return events
                    self._tail = 0
                    self._tail_state = 0
                buf = bytes(pending)
                pending.clear()
            else:
                self._origin = self._fed
                self._fed += len(data)
                buf = data if type(data) is bytes else bytes(data)
            n = len(buf)
            pos = 0
            readers = _READERS
            while pos < n:
                if self._lenient and pos != fixed_at and self._state in _SECTION_STATES:
                    fixed = fix_section(buf, pos, head=self._state == HEAD)
                    if fixed is not None:
                        buf = fixed
                        n = len(buf)
                        self._restart_section()
                    fixed_at = pos
                new = readers[self._state](self, buf, pos, events)
                if new < 0:
                    self._pending = bytearray(memoryview(buf)[pos:])
                    self._origin += pos
                    break
                pos = new
            if self._state == SWITCHING:
                self._read_switching(buf, n, events)
        except HttpParserError as exc:
            self._fail(exc, events)
            raise
        except (
            ValueError,
            IndexError,
            UnicodeError,
            OverflowError,
        ) as exc:  # pragma: no cover - safety net
            err = RemoteProtocolError(f"malformed message ({type(exc).__name__}: {exc})")
            self._fail(err, events)
            raise err from exc
        return events

    def _feed_held(self, data: bytes) -> list[Event]:
        """feed() while decoded output is held: go on with it, then with the input queued.

        Each queued piece is then fed as the call that brought it was (so the events are those
        of an unbounded budget), with what is left of this call's budget.
        """
        events: list[Event] = []
        queue = self._queue
        held = self._held
        # Both are set when the output is held.
        assert queue is not None
        assert held is not None
        if data:
            queue.append(data if type(data) is bytes else bytes(data))
        pieces, last, chunk_end, finish, self._state = held
        self._held = None
        self._spent = 0
        budget = self._budget
        try:
            if not self._pump(events, pieces, last, chunk_end, finish):
                return events
            spent = self._spent
            while queue and self._state < UPGRADED:
                self._budget = budget - spent
                events += self.feed(queue.popleft())
                spent += self._spent
            if self._state == SWITCHING:
                # The message whose output was held ended a protocol switch, with no bytes after.
                self._read_switching(b"", 0, events)
            if self._state == UPGRADED and queue:
                # Bytes fed while output was pending, after the switch: they belong to the tail.
                upgraded = events[-1]
                assert isinstance(upgraded, Upgraded)
                events[-1] = Upgraded(upgraded.tail + b"".join(queue))
                queue.clear()
        except HttpParserError as exc:
            if self._state == FAILED:
                # Raised by a queued piece's feed(), which failed the parser with its events.
                exc.events = events + exc.events
                if isinstance(exc, DecompressionLimitError):
                    _drop_decoded(exc.events)
            else:
                self._fail(exc, events)
            raise
        finally:
            self._budget = budget
        return events

    def feed_eof(self) -> list[Event]:
        """Tell the parser the peer closed the connection; returns the events this completes.

        A body delimited by the connection close ends here. EOF inside a head, a Content-Length
        body or a chunked body raises :class:`IncompleteMessage`; EOF between messages is clean.
        """
        state = self._state
        if state >= UPGRADED:
            if state == HELD:
                raise ParserStateError(
                    "feed_eof() refused: decoded output is pending; call feed(b'') until "
                    "pending is False, then feed_eof()"
                )
            raise ParserStateError(f"feed_eof() refused: {_TERMINAL_REASON[state]}")
        events: list[Event] = []
        try:
            at = self._fed
            if state == UNTIL_EOF:
                self._finish_message(events)
            elif state == HEAD:
                if self._pending:
                    raise IncompleteMessage("connection closed inside a message head", at)
            elif state == FIXED:
                length = self._length
                raise IncompleteMessage(
                    "connection closed inside a Content-Length body: "
                    f"{length - self._remaining} of {length} bytes received",
                    at,
                )
            elif state != CLOSED:
                raise IncompleteMessage("connection closed inside a chunked body", at)
        except HttpParserError as exc:
            self._fail(exc, events)
            raise
        self._state = FINISHED
        self._pending = bytearray()
        return events

    @property
    def buffered(self) -> int:
        """How many received bytes are held back: waiting for the rest of a line or head, or
        not parsed yet because decoded output is pending."""
        queue = self._queue
        return len(self._pending) + (sum(map(len, queue)) if queue else 0)

    @property
    def encoded_body_bytes(self) -> int | None:
        """Bytes of the latest body given to its content decoder so far: the body as sent, after
        the transfer coding, before the content coding (aiohttp's ``total_raw_bytes``). None when
        that body is not decoded (no Content-Encoding, or ``auto_decompress`` off)."""
        encoded = self._encoded
        return None if encoded < 0 else encoded

    @property
    def pending(self) -> bool:
        """Whether the parser holds decoded output (and maybe input) that gives more events
        without new bytes: call ``feed(b"")`` to get them, before :meth:`feed_eof`."""
        return self._state == HELD

    def _fail(self, exc: HttpParserError, events: list[Event]) -> None:
        self._state = FAILED
        self._pending = bytearray()
        self._decoder = None
        self._held = None
        self._queue = None
        if isinstance(exc, DecompressionLimitError):
            _drop_decoded(events)
        exc.events = events

    # -- hooks for the request and response parsers --------------------------------------------

    def _on_head(self, buf: bytes, pos: int, nl: int, end: int, events: list[Event]) -> int:
        """Parse the head ``buf[pos:end + 4]`` (start line ends at *nl*), emit it, set framing."""
        raise NotImplementedError

    def _start_line_error(self, buf: bytes, start: int, end: int) -> HttpParserError | None:
        """The error for the complete start line ``buf[start:end]``, or None if it is valid."""
        raise NotImplementedError

    # -- heads ---------------------------------------------------------------------------------

    def _read_head(self, buf: bytes, pos: int, events: list[Event]) -> int:
        # Loops over the messages that end in the buffer with nothing but a head and a body
        # already consumed (pipelined responses), without going back to feed() for each.
        n = len(buf)
        first = pos
        while True:
            # RFC 9112 §2.2: empty lines before a message are ignored.
            byte = buf[pos]
            if byte == 13 or byte == 10:
                while byte == 13 or byte == 10:
                    pos += 1
                    if pos == n:
                        break
                    byte = buf[pos]
                return pos
            scan = self._scan
            end = buf.find(b"\r\n\r\n", pos + scan)
            if end < 0:
                self._head_incomplete(buf, pos, n)
                if pos == first:
                    return -1
                # Heads were consumed before this incomplete one: keep it as feed() would.
                self._pending = bytearray(memoryview(buf)[pos:])
                self._origin += pos
                return n
            if scan:
                # Left over from validating this head while it arrived (all go together; `scan`
                # is not 0 once any of a head was validated, as a head starts with a valid byte).
                self._reset_incomplete()
            nl = buf.find(b"\r\n", pos, end + 2)
            if nl - pos > self._max_line_size:
                raise LineTooLong(
                    f"start line longer than {self._max_line_size} bytes", self._origin + pos
                )
            pos = self._on_head(buf, pos, nl, end, events)
            if pos >= n or self._state != HEAD or self._lenient:
                # In lenient mode feed() makes the next head strict before it is read.
                return pos

    def _head_incomplete(self, buf: bytes | bytearray, start: int, n: int) -> None:
        """Validate what has arrived of a head (or trailer section) that is not complete yet.

        The head starts at *start*; the check resumes where the previous one stopped, so each
        byte is looked at a bounded number of times however the head is split.
        """
        origin = self._origin
        i = start + self._checked  # the first line that was not complete
        tail = start + self._tail  # how far that line was found valid
        state = self._tail_state
        lines = self._lines
        if lines == 0:
            nl = buf.find(b"\n", tail, n)
            if nl < 0:
                tail_end = n - 1 if buf[n - 1] == 13 else n
                good, tail, state = self._start_prefix.check(buf, tail, state, tail_end)
                if good != tail_end:
                    raise self._bad_start_line(
                        f"invalid byte {buf[good]:#04x} in the start line", origin + good
                    )
                if n - i > self._max_line_size + 1:
                    raise LineTooLong(
                        f"start line longer than {self._max_line_size} bytes", origin + i
                    )
            else:
                line = bytes(buf[i:nl])
                if not line.endswith(b"\r"):
                    raise self._bad_start_line(
                        "bare LF ends the start line (CRLF required)", origin + nl
                    )
                err = self._start_line_error(line, 0, len(line) - 1)
                if err is not None:
                    if err.position is not None:
                        err.position += origin + i
                    raise err
                i = tail = nl + 1
                state = 0
                lines = 1
        if lines:
            last = buf.rfind(b"\n", tail, n)
            if last >= 0:
                if FIELD_BLOCK_RE.fullmatch(buf, i, last + 1) is None:
                    raise field_block_error(bytes(buf), i, last + 1, origin)
                if self._state != TRAILERS:
                    # Trailers do not frame the message (and a complete section is not checked
                    # for Content-Length either): judging them early would depend on the split.
                    self._early_content_length(buf, i, last + 1)
                lines += buf.count(b"\n", i, last + 1)
                if lines - 1 > self._max_headers:
                    raise TooManyHeaders(
                        f"more than {self._max_headers} field lines", origin + last
                    )
                i = tail = last + 1
                state = 0
            if n > i:
                tail_end = n - 1 if buf[n - 1] == 13 else n
                good, tail, state = FIELD_PREFIX.check(buf, tail, state, tail_end)
                if good != tail_end:
                    bad, message = describe_line_fault(bytes(buf), i, tail_end)
                    raise InvalidHeader(message, origin + bad)
                if n - i > self._max_field_size + 1:
                    raise LineTooLong(
                        f"field line longer than {self._max_field_size} bytes", origin + i
                    )
        if n - start > self._max_head_size:
            raise LineTooLong("header section too large", origin + n)
        self._checked = i - start
        self._tail = tail - start
        self._tail_state = state
        self._lines = lines
        # The end of the head is the CRLF ending the line being validated (past its valid part)
        # or, when nothing of that line is here yet, the CRLF that may start it.
        self._scan = tail - start if tail > i else max(i - start - 2, 0)

    def _lenient_pending(self, pending: bytearray, added: int) -> None:
        """Make the incomplete section in ``pending`` strict when the bytes just added (or the
        line end before them) need it; a strict stream costs one look at the new bytes."""
        window = pending[-(added + 2) :]
        if is_strict(window):
            return
        fixed = fix_section(bytes(pending), 0, head=self._state == HEAD)
        if fixed is not None:
            pending[:] = fixed
            self._restart_section()

    def _restart_section(self) -> None:
        """The section being read was rewritten: validate it again from its start."""
        self._reset_incomplete()
        if self._state == TRAILERS:
            self._lines = 1  # a trailer section has no start line

    def _reset_incomplete(self) -> None:
        """Forget where the validation of an incomplete head stopped: that head is complete."""
        self._checked = 0
        self._tail = 0
        self._tail_state = 0
        self._scan = 0
        self._lines = 0
        self._cl_seen = False

    def _early_content_length(self, buf: bytes | bytearray, start: int, end: int) -> None:
        """Reject a bad or repeated Content-Length as soon as its line arrives (llhttp does too)."""
        # Most parts of a section hold no Content-Length line: one search skips the regex scan.
        if b"content-length:" in buf[start:end].lower():
            self._cl_seen = check_content_length_lines(buf, start, end, self._origin, self._cl_seen)

    def _bad_start_line(self, message: str, position: int) -> HttpParserError:
        return BadStatusLine(message, position)

    # -- bodies --------------------------------------------------------------------------------

    def _setup_decoder(self, headers: CIMultiDictProxy[str]) -> None:
        """Install a content decoder when auto-decompression applies to this body."""
        values = headers.getall(CONTENT_ENCODING, None)
        if values is not None and self._auto_decompress:
            self._decoder = ContentDecoder.create(
                ",".join(values), piece_size=self._piece_size, max_size=self._max_decompressed_size
            )
        else:
            self._decoder = None
        self._encoded = -1 if self._decoder is None else 0

    def _pump(
        self,
        events: list[Event],
        pieces: Iterator[bytes],
        last: bytes | None,
        chunk_end: bool,
        finish: bool,
    ) -> bool:
        """Emit the decoder's output *pieces* (after *last*, one already taken) until they end or
        this feed() call's budget is spent; returns whether they ended.

        Each piece is emitted once the next one is known, so the final one of a chunk can carry
        *chunk_end*, and the message is finished after them when *finish* is set. Once the budget
        is spent, the iterator (lazy: nothing more is decoded) and the piece taken from it are
        held for the next call, which then returns exactly the events an unbounded call would.
        """
        spent = self._spent
        budget = self._budget
        for out in pieces:
            if last is not None:
                events.append(Data(last, False))
                spent += len(last)
            last = out
            if spent >= budget:
                self._spent = spent
                self._held = (pieces, last, chunk_end, finish, self._state)
                self._state = HELD
                if self._queue is None:
                    self._queue = deque()
                return False
        if last is not None:
            events.append(Data(last, chunk_end))
            spent += len(last)
        elif chunk_end:
            events.append(Data(b"", True))
        self._spent = spent
        if finish:
            self._finish_message(events)
        return True

    def _hold_rest(self, buf: bytes, end: int) -> int:
        """Keep ``buf[end:]`` for after the held output; returns ``len(buf)`` (all consumed)."""
        n = len(buf)
        if end < n:
            assert self._queue is not None  # made by _pump when it held the output
            self._queue.appendleft(buf[end:])
            # Counted again, from its start, when it is parsed.
            self._fed -= n - end
        return n

    def _finish_message(self, events: list[Event], end: EndOfMessage | None = None) -> None:
        self._cl_seen = False
        self._checked = 0
        self._lines = 0
        decoder = self._decoder
        if decoder is not None:
            self._decoder = None
            decoder.finish()
        events.append(EndOfMessage(EMPTY_HEADERS, ()) if end is None else end)
        if self._upgrade_after:
            self._upgrade_after = False
            self._state = SWITCHING
        else:
            self._state = HEAD if self._keep_alive else CLOSED

    def _read_fixed(self, buf: bytes, pos: int, events: list[Event]) -> int:
        n = len(buf)
        remaining = self._remaining
        end = pos + remaining
        if end > n:
            end = n
        piece = buf if pos == 0 and end == n else buf[pos:end]
        remaining -= end - pos
        self._remaining = remaining
        decoder = self._decoder
        if decoder is None:
            events.append(Data(piece))
            if remaining == 0:
                self._finish_message(events)
            return end
        self._encoded += len(piece)
        if self._pump(events, decoder.decode(piece), None, False, remaining == 0):
            return end
        return self._hold_rest(buf, end)

    def _read_until_eof(self, buf: bytes, pos: int, events: list[Event]) -> int:
        piece = buf if pos == 0 else buf[pos:]
        decoder = self._decoder
        if decoder is None:
            events.append(Data(piece))
        else:
            self._encoded += len(piece)
            self._pump(events, decoder.decode(piece), None, False, False)
        return len(buf)

    def _read_chunk_size(self, buf: bytes, pos: int, events: list[Event]) -> int:
        # Loops over every chunk that is wholly in the buffer without going back to feed().
        n = len(buf)
        decoder = self._decoder
        limit = self._max_line_size + 2
        first = pos
        find = buf.find
        startswith = buf.startswith
        append = events.append
        while True:
            nl = find(b"\r\n", pos, pos + limit)
            size = _CHUNK_SIZES.get(buf[pos:nl], -1) if nl > pos else -1
            if size >= 0:
                start = nl + 2
            else:
                m = CHUNK_LINE_RE.match(buf, pos)
                if m is None:
                    nl = find(b"\n", pos)
                    if nl >= 0:
                        raise self._chunk_line_error(buf, pos, nl)
                    self._chunk_line_incomplete(buf, pos, n)
                    # Only the bytes from `pos` stay pending: report the chunks consumed.
                    return -1 if pos == first else pos
                start = m.end()
                if start - 2 - pos > self._max_line_size:
                    # The cached sizes above are found within the limit; this line was not.
                    raise LineTooLong(
                        f"chunk line longer than {self._max_line_size} bytes", self._origin + pos
                    )
                size = int(m.group(1), 16)
                if not m.group(2) and len(_CHUNK_SIZES) < 4096:
                    _CHUNK_SIZES[m.group(1)] = size
            if size == 0:
                if startswith(b"\r\n", start):
                    # No trailer section: the message ends here.
                    if decoder is None and not self._upgrade_after:
                        append(EndOfMessage(EMPTY_HEADERS, ()))
                        self._state = HEAD if self._keep_alive else CLOSED
                    else:
                        self._finish_message(events)
                    return start + 2
                self._state = TRAILERS
                self._checked = 0
                self._lines = 1
                return start
            end = start + size
            if decoder is None:
                # Chunks of one size in a row: the CRLF ending a chunk and the next (identical)
                # chunk line are checked by one comparison. Each Data is filled in directly,
                # which skips the Python-level dataclass __init__ call (a third of the cost).
                following = b"\r\n" + buf[pos:start]
                stride = size + len(following)
                while startswith(following, end):
                    piece = _new(Data)
                    piece.data = buf[start:end]
                    piece.chunk_end = True
                    append(piece)
                    start += stride
                    end += stride
            if end + 2 > n:
                self._remaining = size
                self._state = CHUNK_DATA
                return start
            if not startswith(b"\r\n", end):
                raise TransferEncodingError("chunk data not followed by CRLF", self._origin + end)
            if decoder is None:
                append(Data(buf[start:end], True))
                if startswith(b"\r\n0\r\n\r\n", end) and not self._upgrade_after:
                    # The usual ending: the last chunk and no trailer section.
                    append(EndOfMessage(EMPTY_HEADERS, ()))
                    self._state = HEAD if self._keep_alive else CLOSED
                    return end + 7
            else:
                self._encoded += end - start
                if not self._pump(events, decoder.decode(buf[start:end]), None, True, False):
                    return self._hold_rest(buf, end + 2)
            pos = end + 2
            if pos >= n:
                return pos

    def _chunk_line_error(self, buf: bytes, pos: int, nl: int) -> HttpParserError:
        m = CHUNK_PREFIX_RE.match(buf, pos, nl)
        bad = m.end() if m is not None else pos
        if bad - pos > self._max_line_size:
            # Fed in pieces, the valid start of this line would already have been too long.
            return LineTooLong(
                f"chunk line longer than {self._max_line_size} bytes", self._origin + pos
            )
        at = self._origin + bad
        if bad == pos:
            return TransferEncodingError("missing or invalid chunk size", at)
        if bad - pos == 16 and buf[bad] in _HEXDIGITS:
            return TransferEncodingError("chunk size longer than 16 hex digits", at)
        if bad + 1 == nl and buf[bad] == 13:
            return TransferEncodingError("invalid chunk extension", at)
        return TransferEncodingError(f"invalid byte {buf[bad]:#04x} in a chunk line", at)

    def _chunk_line_incomplete(self, buf: bytes | bytearray, pos: int, n: int) -> None:
        """Check the start of a chunk line that has not fully arrived.

        As for a complete line, the length of its valid start is checked before a bad byte is
        reported, and a CR that may end it is not counted: so a line gets the same verdict
        however it is split.
        """
        tail_end = n - 1 if buf[n - 1] == 13 else n
        good, tail, state = CHUNK_PREFIX.check(buf, pos + self._tail, self._tail_state, tail_end)
        if good - pos > self._max_line_size:
            raise LineTooLong(
                f"chunk line longer than {self._max_line_size} bytes", self._origin + pos
            )
        if good != tail_end:
            raise TransferEncodingError(
                f"invalid byte {buf[good]:#04x} in a chunk line", self._origin + good
            )
        self._tail = tail - pos
        self._tail_state = state

    def _read_chunk_data(self, buf: bytes, pos: int, events: list[Event]) -> int:
        n = len(buf)
        remaining = self._remaining
        end = pos + remaining
        if end > n:
            end = n
        piece = buf if pos == 0 and end == n else buf[pos:end]
        remaining -= end - pos
        self._remaining = remaining
        if remaining == 0:
            self._state = CHUNK_CRLF
        decoder = self._decoder
        if decoder is None:
            events.append(Data(piece, remaining == 0))
            return end
        self._encoded += len(piece)
        if self._pump(events, decoder.decode(piece), None, remaining == 0, False):
            return end
        return self._hold_rest(buf, end)

    def _read_chunk_crlf(self, buf: bytes, pos: int, events: list[Event]) -> int:
        if buf[pos] != 13:
            raise TransferEncodingError("chunk data not followed by CRLF", self._origin + pos)
        if pos + 1 == len(buf):
            return -1
        if buf[pos + 1] != 10:
            raise TransferEncodingError("chunk data not followed by CRLF", self._origin + pos + 1)
        self._state = CHUNK_SIZE
        return pos + 2

    def _read_trailers(self, buf: bytes, pos: int, events: list[Event]) -> int:
        n = len(buf)
        if buf.startswith(b"\r\n", pos):
            self._finish_message(events)
            return pos + 2
        end = buf.find(b"\r\n\r\n", pos + self._scan)
        if end < 0:
            if n - pos > self._max_trailer_size:
                raise LineTooLong(
                    f"trailer section longer than {self._max_trailer_size} bytes",
                    self._origin + pos,
                )
            self._head_incomplete(buf, pos, n)
            return -1
        if end + 2 - pos > self._max_trailer_size:
            raise LineTooLong(
                f"trailer section longer than {self._max_trailer_size} bytes", self._origin + pos
            )
        self._reset_incomplete()
        fields, raw = parse_fields(
            buf, pos, end + 2, self._origin, self._max_field_size, self._max_headers
        )
        self._finish_message(events, EndOfMessage(CIMultiDictProxy(fields), raw))
        return end + 4

    def _read_closed(self, buf: bytes, pos: int, events: list[Event]) -> int:
        n = len(buf)
        while pos < n:
            byte = buf[pos]
            if byte != 13 and byte != 10:
                raise DataAfterClose(
                    "data after a message that closes the connection", self._origin + pos
                )
            pos += 1
        return pos

    def _read_switching(self, buf: bytes, pos: int, events: list[Event]) -> int:
        events.append(Upgraded(buf[pos:]))
        self._state = UPGRADED
        self._pending = bytearray()
        return len(buf)


def _drop_decoded(events: list[Event]) -> None:
    """Keep no decoded bulk on a DecompressionLimitError: drop the Data of the body that passed
    the limit (the last events of the call), keeping its head and the messages before it."""
    while events and type(events[-1]) is Data:
        events.pop()


#: The reader for each state (indexed by the state number); terminal states have none.
_READERS: Final = (
    BaseParser._read_head,
    BaseParser._read_fixed,
    BaseParser._read_chunk_size,
    BaseParser._read_chunk_data,
    BaseParser._read_chunk_crlf,
    BaseParser._read_trailers,
    BaseParser._read_until_eof,
    BaseParser._read_closed,
    BaseParser._read_switching,
)
