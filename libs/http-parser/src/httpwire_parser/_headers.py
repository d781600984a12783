"""Field sections: validation, error location, CIMultiDict output and the framing rules.

Everything that decides how a body is delimited (Content-Length, Transfer-Encoding, RFC 9112 §6)
or whether a connection persists (Connection, RFC 9112 §9.3) lives here, so the request and
response parsers apply one set of request-smuggling defences.
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter

from multidict import CIMultiDict, istr

from ._abnf import (
    CONTENT_LENGTH_LINE_RE,
    FIELD_BYTES,
    FIELD_LINE_RE,
    FIELD_PREFIX_RE,
    STR_CANONICAL_FIELD_LINE_RE,
    STR_FIELD_LINE_RE,
    TOKEN_RE,
)
from .exceptions import (
    ContentLengthError,
    InvalidHeader,
    LineTooLong,
    RemoteProtocolError,
    TooManyHeaders,
    TransferEncodingError,
)

__all__: list[str] = []

CONTENT_LENGTH = istr("Content-Length")
TRANSFER_ENCODING = istr("Transfer-Encoding")
CONNECTION = istr("Connection")
CONTENT_ENCODING = istr("Content-Encoding")
UPGRADE = istr("Upgrade")

_NAME = itemgetter(0)
_SEP = itemgetter(1)
_VALUE = itemgetter(2)

#: Field sections shorter than this are split by the pattern that checks each character; longer
#: ones by the faster-per-byte one and a translate (which costs more per call).
SMALL_SECTION = 1024

#: Largest accepted Content-Length or chunk size: 2**63 - 1, as llhttp.
MAX_LENGTH = (1 << 63) - 1


def describe_line_fault(buf: bytes, start: int, end: int) -> tuple[int, str]:
    """Return (position, message) for the first bad byte of the field line ``buf[start:end]``."""
    m = FIELD_PREFIX_RE.match(buf, start, end)
    pos = m.end() if m is not None else start
    colon_seen = buf.find(b":", start, pos) >= 0
    if pos >= end:
        return pos, "field line without a colon"
    byte = buf[pos]
    if colon_seen:
        if byte == 0x0D:
            return pos, "bare CR in a field value"
        if byte == 0x0A:
            return pos, "bare LF in a field value"
        return pos, f"invalid control character {byte:#04x} in a field value"
    if pos == start and byte in (0x20, 0x09):
        return pos, "whitespace at the start of a field line (obs-fold is not accepted)"
    if byte == 0x3A:
        return pos, "empty field name"
    if byte in (0x20, 0x09):
        return pos, "whitespace in a field name or before the colon"
    return pos, f"invalid character {byte:#04x} in a field name"


def field_block_error(buf: bytes, start: int, end: int, origin: int) -> RemoteProtocolError:
    """Locate the fault in the field lines ``buf[start:end]``, known to be invalid."""
    i = start
    while i < end:
        nl = buf.find(b"\n", i, end)
        if nl < 0:
            nl = end
        line_end = nl - 1 if nl > i and buf[nl - 1] == 0x0D else nl
        if FIELD_LINE_RE.fullmatch(buf, i, line_end) is None:
            pos, message = describe_line_fault(buf, i, line_end)
            return InvalidHeader(message, origin + pos)
        if nl < end and line_end == nl:
            return InvalidHeader("bare LF ends a field line (CRLF required)", origin + nl)
        i = nl + 1
    return InvalidHeader("malformed field section", origin + start)


def canonical_pairs(buf: bytes, start: int, end: int) -> list[tuple[str, str]] | None:
    """The decoded ``(name, value)`` pairs of the field lines ``buf[start:end]`` (each ending
    with CRLF) if every line is valid and in the usual layout (``name: value``, no whitespace
    around the value), else None.

    One regex pass over the decoded section; the decoding is a bijection (surrogateescape), so
    checking the text checks the bytes. Small sections use the pattern that checks every
    character itself (fewer calls); large ones the faster one plus a ``translate`` of the bytes.
    """
    if end - start < SMALL_SECTION:
        text = buf[start:end].decode("utf-8", "surrogateescape")
        pairs: list[tuple[str, str]] = STR_CANONICAL_FIELD_LINE_RE.findall(text)
        return pairs if len(pairs) == text.count("\n") else None
    section = buf[start:end]
    text = section.decode("utf-8", "surrogateescape")
    pairs = STR_FIELD_LINE_RE.findall(text)
    count = len(pairs)
    if count == text.count("\n") and len(section.translate(None, FIELD_BYTES)) == 2 * count:
        return pairs
    return None


def parse_fields(
    buf: bytes,
    start: int,
    end: int,
    origin: int,
    max_field_size: int,
    max_headers: int,
) -> tuple[CIMultiDict[str], list[tuple[str, str]]]:
    """Validate and parse the field lines ``buf[start:end]`` (each line ends with CRLF).

    Returns the fields as a CIMultiDict (values OWS-stripped, decoded as UTF-8 with
    surrogateescape) and as the list of decoded ``(name, value)`` pairs in wire order, from
    which an event builds its raw fields on demand. The work is done in bulk with C-level calls
    over the whole section (one decode and one findall, or split/translate/partition maps) rather
    than a Python loop per line; only a failing section is walked line by line to locate the
    fault.
    """
    if start == end:
        return CIMultiDict(), []
    if end - start > max_field_size + 2:
        check_line_sizes(buf, start, end, origin, max_field_size)
    pairs = canonical_pairs(buf, start, end)
    if pairs is not None and len(pairs) <= max_headers:
        return CIMultiDict(pairs), pairs
    block = buf[start : end - 2]
    lines = block.split(b"\r\n")
    count = len(lines)
    if count > max_headers:
        raise TooManyHeaders(f"more than {max_headers} field lines", origin + start)
    # Only the CRLF line separators may remain once every field byte is deleted: no other CR,
    # LF, CTL or DEL anywhere. Then each line must be a token, a colon and the value.
    if len(block.translate(None, FIELD_BYTES)) == 2 * (count - 1):
        parts = list(map(bytes.partition, lines, repeat(b":")))
        names = list(map(_NAME, parts))
        if all(map(_SEP, parts)) and all(names) and TOKEN_RE.fullmatch(b"".join(names)):
            values = list(map(bytes.strip, map(_VALUE, parts), repeat(b" \t")))
            # Values hold no LF, so one decode of the joined values covers them all.
            str_names = b"\n".join(names).decode("ascii").split("\n")
            str_values = b"\n".join(values).decode("utf-8", "surrogateescape").split("\n")
            pairs = list(zip(str_names, str_values, strict=True))
            return CIMultiDict(pairs), pairs
    raise field_block_error(buf, start, end, origin)


def check_line_sizes(buf: bytes, start: int, end: int, origin: int, limit: int) -> None:
    """Raise LineTooLong when a CRLF-terminated line in ``buf[start:end]`` exceeds *limit*."""
    i = start
    while i < end:
        nl = buf.find(b"\r\n", i, end)
        if nl < 0:
            nl = end
        if nl - i > limit:
            raise LineTooLong(f"field line longer than {limit} bytes", origin + i + limit)
        i = nl + 2


def connection_tokens(values: list[str]) -> set[str]:
    """The lower-cased connection options (RFC 9110 §7.6.1) in the Connection field values."""
    tokens: set[str] = set()
    for value in values:
        for item in value.split(","):
            item = item.strip(" \t").lower()
            if item:
                tokens.add(item)
    return tokens


def keep_alive_for(version: tuple[int, int], tokens: set[str]) -> bool:
    """Whether the connection persists after this message (RFC 9112 §9.3)."""
    if "close" in tokens:
        return False
    if version >= (1, 1):
        return True
    return "keep-alive" in tokens


def check_content_length_lines(
    buf: bytes | bytearray, start: int, end: int, origin: int, seen: bool
) -> bool:
    """Check the Content-Length lines among the field lines ``buf[start:end]``.

    RFC 9112 §6.3 (5) lets a recipient reject an invalid or repeated Content-Length; a list such
    as ``1, 1`` is rejected too, since hops may disagree on it. *seen* says whether an earlier
    part of the section had one; returns whether this part (or an earlier one) had one. The
    error position is the start of the offending line.
    """
    for m in CONTENT_LENGTH_LINE_RE.finditer(buf, start, end):
        if seen:
            raise ContentLengthError("more than one Content-Length field", origin + m.start())
        seen = True
        value = bytes(m.group(1)).strip(b" \t")
        if length_value(value.decode("latin-1")) is None:
            if value.isdigit():
                raise ContentLengthError(
                    f"Content-Length {value.decode('ascii')} is larger than {MAX_LENGTH} "
                    "(2**63 - 1), the largest length accepted",
                    origin + m.start(),
                )
            raise ContentLengthError(f"invalid Content-Length {value!r}", origin + m.start())
    return seen


def length_value(value: str) -> int | None:
    """The number a Content-Length value (OWS stripped) stands for, or None if it is not
    ASCII digits or is above :data:`MAX_LENGTH`.

    Leading zeros are skipped before the digits are counted, so a long run of them is read by
    its value and never handed whole to ``int()`` (which refuses strings of over 4300 digits).
    """
    if not value.isdigit() or not value.isascii():
        return None
    digits = value.lstrip("0")
    if len(digits) > 19:
        return None
    length = int(digits) if digits else 0
    return length if length <= MAX_LENGTH else None


def content_length(values: list[str], buf: bytes, start: int, end: int, origin: int) -> int:
    """The Content-Length given the field's values (not empty); raises for a bad one."""
    if len(values) == 1:
        length = length_value(values[0])
        if length is not None:
            return length
    check_content_length_lines(buf, start, end, origin, False)
    raise ContentLengthError("invalid Content-Length", origin + start)  # pragma: no cover


def transfer_codings(values: list[str], origin: int) -> list[str]:
    """The lower-cased transfer-coding names in the Transfer-Encoding field values.

    ``chunked`` with parameters (``chunked;foo=bar``) raises TransferEncodingError at *origin*:
    chunked defines none (RFC 9112 §7), and peers that refuse it would frame the body otherwise.
    """
    codings: list[str] = []
    for value in values:
        for item in value.split(","):
            name, semicolon, _ = item.partition(";")
            name = name.strip(" \t").lower()
            if name:
                if semicolon and name == "chunked":
                    raise TransferEncodingError(
                        "the chunked transfer coding takes no parameters (RFC 9112 §7)", origin
                    )
                codings.append(name)
    return codings


def chunked_framing(codings: list[str], origin: int, *, request: bool) -> bool:
    """Decide from the transfer codings whether the body is chunked (RFC 9112 §6.1, §6.3).

    ``chunked`` may appear once, as the final coding. In a request anything else cannot be
    framed and is rejected; in a response a non-final or missing ``chunked`` means the body
    runs until the connection closes.
    """
    count = codings.count("chunked")
    if count > 1:
        raise TransferEncodingError("chunked applied more than once", origin)
    if codings and codings[-1] == "chunked":
        return True
    if request:
        if count:
            raise TransferEncodingError("chunked is not the final transfer coding", origin)
        raise TransferEncodingError("a request's Transfer-Encoding must end with chunked", origin)
    return False
