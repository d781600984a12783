"""Byte-level grammar of HTTP/1.1 messages (RFC 9110 §5.6, RFC 9112 §3-§7) as compiled regexes.

House rule: every character class the parsers and the serializer rely on is spelled here once.
The "prefix" patterns match the longest valid beginning of a line; they locate the first bad
byte for error positions and validate a line that has not fully arrived yet.
"""

from __future__ import annotations

import re

__all__: list[str] = []

#: tchar (RFC 9110 §5.6.2), as a regex class body.
TCHAR = rb"!#$%&'*+\-.^_`|~0-9A-Za-z"
#: field-vchar plus SP/HTAB (RFC 9110 §5.5): everything but CTLs (HTAB allowed) and DEL.
FIELD_CHAR = rb"\t\x20-\x7e\x80-\xff"
#: request-target characters accepted by the request parser: visible ASCII only.
TARGET_CHAR = rb"\x21-\x7e"
_VCHAR = rb"[\x21-\x7e\x80-\xff]"
_QDTEXT = rb"\t\x20\x21\x23-\x5b\x5d-\x7e\x80-\xff"
_QUOTED = rb'"(?:[' + _QDTEXT + rb"]|\\[" + FIELD_CHAR + rb'])*"'


def _nested(*atoms: bytes) -> bytes:
    """Return a regex matching any prefix of the concatenation of *atoms* (atom boundaries)."""
    out = b""
    for atom in reversed(atoms):
        out = b"(?:" + atom + out + b")?"
    return out


#: How a :class:`LinePrefix` atom may go on once matched: not at all (None), with more bytes of a
#: class (the class body, as in ``b"[" + grows + b"]"``), or only by matching it again from its
#: start (``RESTART``, for a bounded repetition such as 1-16 hex digits).
RESTART = b""


class LinePrefix:
    """Checks the valid start of a line that arrives in pieces, resuming where it last stopped.

    The line is a sequence of atoms (regex bodies with no capturing group), as ``_nested`` takes
    them, each with how it may grow (see :data:`RESTART`). A full ``_nested`` match from the line
    start each time a byte arrives would scan the line again and again (quadratic in its length);
    :meth:`check` matches only from the point the previous call reached, with a pattern for the
    atoms still to come. The atoms must be unambiguous (each atom's first byte tells it from the
    growth of the one before), as the line grammars here are, so resuming gives the verdict of a
    full match.
    """

    __slots__ = ("_grows", "patterns")

    def __init__(self, *atoms: tuple[bytes, bytes | None]) -> None:
        # patterns[2 * done + inside]: the pattern to resume with once `done` atoms are matched,
        # `inside` saying whether the last of them may still grow. A group marks where the first
        # atom to come starts, and an empty group follows each atom, so `lastindex - 1` counts the
        # atoms a match completed and group k is where the k-th of them started.
        patterns: list[re.Pattern[bytes]] = []
        for done in range(len(atoms) + 1):
            rest = b""
            for atom, _ in reversed(atoms[done:]):
                rest = b"(?:" + atom + b"()" + rest + b")?"
            grows = atoms[done - 1][1] if done else None
            patterns.append(re.compile(b"()" + rest))
            patterns.append(re.compile(b"[" + grows + b"]*()" + rest) if grows else patterns[-1])
        self.patterns: tuple[re.Pattern[bytes], ...] = tuple(patterns)
        self._grows = tuple(grows for _, grows in atoms)

    def check(self, buf: bytes | bytearray, pos: int, state: int, end: int) -> tuple[int, int, int]:
        """Match ``buf[pos:end]`` from *state* (0 at the line start); return ``(good, pos, state)``.

        *good* is where the valid start of the line ends (``end`` when all of it is valid); the
        other two are what to pass to the next call, made once more bytes of the line arrived.
        """
        m = self.patterns[state].match(buf, pos, end)
        assert m is not None  # every pattern matches at least the empty string
        good = m.end()
        count = m.lastindex - 1 if m.lastindex else 0
        if not count:
            return good, good, state
        last = (state >> 1) + count - 1
        grows = self._grows[last]
        if grows is None:
            return good, good, (last + 1) << 1
        if grows == RESTART:
            return good, m.start(count), last << 1
        return good, good, ((last + 1) << 1) | 1


TOKEN_RE = re.compile(rb"[" + TCHAR + rb"]+")
#: Every byte allowed in a field line (field-vchar, SP, HTAB; the colon is a VCHAR).
FIELD_BYTES = bytes([9, *range(0x20, 0x7F), *range(0x80, 0x100)])
STR_TOKEN_RE = re.compile(r"[" + TCHAR.decode("ascii") + r"]+")
#: A field value as the serializer accepts it (str): no CTL except HTAB, no DEL.
STR_FIELD_VALUE_RE = re.compile(r"[^\x00-\x08\x0a-\x1f\x7f]*")
STR_TARGET_RE = re.compile(r"[\x21-\x7e]+")

#: status-line without its CRLF (RFC 9112 §4); the reason phrase may be absent. The status code
#: is three digits from 100 to 599 (RFC 9110 §15): 000-099 are not interim responses.
STATUS_LINE_RE = re.compile(
    rb"HTTP/([0-9])\.([0-9]) ([1-5][0-9]{2})(?: ([" + FIELD_CHAR + rb"]*))?"
)
#: A status line whose code is three digits but outside 100-599 (to word the error).
STATUS_CODE_OUT_OF_RANGE_RE = re.compile(rb"HTTP/[0-9]\.[0-9] ([06-9][0-9]{2})(?:[ \r]|$)")
#: The status line's atoms, for checking one that has not fully arrived yet.
_STATUS_ATOMS: tuple[tuple[bytes, bytes | None], ...] = (
    *((atom, None) for atom in (b"H", b"T", b"T", b"P", b"/", b"[0-9]", rb"\.", b"[0-9]", b" ")),
    *((atom, None) for atom in (b"[1-5]", b"[0-9]", b"[0-9]")),
    (b" [" + FIELD_CHAR + b"]*", FIELD_CHAR),
)
STATUS_PREFIX_RE = re.compile(_nested(*(atom for atom, _ in _STATUS_ATOMS)))
STATUS_PREFIX = LinePrefix(*_STATUS_ATOMS)
#: request-line without its CRLF (RFC 9112 §3).
REQUEST_LINE_RE = re.compile(
    rb"([" + TCHAR + rb"]+) ([" + TARGET_CHAR + rb"]+) HTTP/([0-9])\.([0-9])"
)
_REQUEST_ATOMS: tuple[tuple[bytes, bytes | None], ...] = (
    (b"[" + TCHAR + b"]+", TCHAR),
    (b" ", None),
    (b"[" + TARGET_CHAR + b"]+", TARGET_CHAR),
    *((atom, None) for atom in (b" ", b"H", b"T", b"T", b"P", b"/", b"[0-9]", rb"\.", b"[0-9]")),
)
REQUEST_PREFIX_RE = re.compile(_nested(*(atom for atom, _ in _REQUEST_ATOMS)))
REQUEST_PREFIX = LinePrefix(*_REQUEST_ATOMS)
#: A whole header (or trailer) section minus its final empty line: field lines, each with CRLF.
FIELD_BLOCK_RE = re.compile(rb"(?:[" + TCHAR + rb"]+:[" + FIELD_CHAR + rb"]*\r\n)*")
#: One field line in the usual layout ("name: value", no whitespace around the value) with its
#: CRLF, anchored at a line start, capturing (name, value), over text decoded with surrogateescape
#: (so any non-ASCII character stands for obs-text bytes). ``findall`` over a section (its last
#: CRLF included) yields one pair per line in that layout: as many pairs as LFs means the section
#: is valid and already split. The value is one visible character, then any field characters,
#: and must not end in SP or HTAB.
STR_CANONICAL_FIELD_LINE_RE = re.compile(
    r"(?m)^([" + TCHAR.decode("ascii") + r"]++): "
    r"([\x21-\x7e\x80-\U0010ffff][\t\x20-\x7e\x80-\U0010ffff]*+(?<![ \t]))\r\n"
)
#: The same lines for large sections, faster per byte: the value is taken up to the CR in one
#: step (no per-character class test), so the caller must also check that the section's bytes
#: are all field bytes apart from one CRLF per line (one ``translate``), and that there are as
#: many matches as LFs. Matches are then exactly the lines, and the same as the pattern above.
STR_FIELD_LINE_RE = re.compile(
    r"(?m)^([" + TCHAR.decode("ascii") + r"]++): (?![ \t])([^\r]*+)(?<![ \t])\r\n"
)
#: A Content-Length field line (names are case-insensitive); group 1 is the raw value.
CONTENT_LENGTH_LINE_RE = re.compile(
    rb"^content-length:([^\r\n]*)\r\n", re.IGNORECASE | re.MULTILINE
)
#: One field line without its CRLF.
FIELD_LINE_RE = re.compile(rb"[" + TCHAR + rb"]+:[" + FIELD_CHAR + rb"]*")
_FIELD_ATOMS: tuple[tuple[bytes, bytes | None], ...] = (
    (b"[" + TCHAR + b"]+", TCHAR),
    (b":[" + FIELD_CHAR + b"]*", FIELD_CHAR),
)
FIELD_PREFIX_RE = re.compile(_nested(*(atom for atom, _ in _FIELD_ATOMS)))
FIELD_PREFIX = LinePrefix(*_FIELD_ATOMS)
#: chunk-size [ chunk-ext ] CRLF (RFC 9112 §7.1), strict: no whitespace anywhere.
CHUNK_LINE_RE = re.compile(
    rb"([0-9A-Fa-f]{1,16})((?:;["
    + TCHAR
    + rb"]+(?:=(?:["
    + TCHAR
    + rb"]+|"
    + _QUOTED
    + rb"))?)*)\r\n"
)
#: What may precede the CRLF of a chunk line that has not fully arrived yet.
_CHUNK_ATOMS: tuple[tuple[bytes, bytes | None], ...] = (
    (b"[0-9A-Fa-f]{0,16}", RESTART),
    (b";[" + FIELD_CHAR + b"]*", FIELD_CHAR),
)
CHUNK_PREFIX_RE = re.compile(_nested(*(atom for atom, _ in _CHUNK_ATOMS)))
CHUNK_PREFIX = LinePrefix(*_CHUNK_ATOMS)
