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
STATUS_PREFIX_RE = re.compile(
    _nested(
        b"H",
        b"T",
        b"T",
        b"P",
        b"/",
        b"[0-9]",
        rb"\.",
        b"[0-9]",
        b" ",
        b"[1-5]",
        b"[0-9]",
        b"[0-9]",
        b" [" + FIELD_CHAR + b"]*",
    )
)
#: request-line without its CRLF (RFC 9112 §3).
REQUEST_LINE_RE = re.compile(
    rb"([" + TCHAR + rb"]+) ([" + TARGET_CHAR + rb"]+) HTTP/([0-9])\.([0-9])"
)
REQUEST_PREFIX_RE = re.compile(
    _nested(
        b"[" + TCHAR + b"]+",
        b" ",
        b"[" + TARGET_CHAR + b"]+",
        b" ",
        b"H",
        b"T",
        b"T",
        b"P",
        b"/",
        b"[0-9]",
        rb"\.",
        b"[0-9]",
    )
)
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
FIELD_PREFIX_RE = re.compile(_nested(b"[" + TCHAR + b"]+", b":[" + FIELD_CHAR + b"]*"))
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
CHUNK_PREFIX_RE = re.compile(rb"[0-9A-Fa-f]{0,16}(?:;[" + FIELD_CHAR + rb"]*)?")
