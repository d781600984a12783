"""The leniency RFC 9112 lets a user agent apply to the heads it receives.

§2.2: a recipient MAY take a bare LF as a line terminator. §5.2: a user agent MUST replace each
obs-fold in a response it accepts with SP: the fold's CRLF becomes one SP and the whitespace
around it stays. Both are applied here by rewriting a head (or trailer
section) into the strict form before the strict parser reads it, so framing is decided by the one
strict code path. A bare CR, whitespace before the first field line and every framing rule stay
refused. Only the head's bytes are touched; the body after it never is.
"""

from __future__ import annotations

import re
from typing import Final

__all__: list[str] = []

_BARE_LF: Final = re.compile(rb"(?<!\r)\n")
# What a strict section never has: a bare LF or a line starting with whitespace (an obs-fold).
# (The literal \n first lets the regex engine skip ahead to each LF.)
_IRREGULAR: Final = re.compile(rb"\n(?<!\r\n)|\n[ \t]")
# The CRLF of an obs-fold; the whitespace around it stays, so the result does not depend on
# whether that whitespace arrived in the same feed() call.
_FOLD: Final = re.compile(rb"\r\n(?=[ \t])")
# The empty line ending a section, once lines may end with a bare LF.
_SECTION_END: Final = re.compile(rb"\n\r?\n")


def is_strict(section: bytes | bytearray) -> bool:
    """Whether ``section`` already has only CRLF line ends and no line starting with whitespace."""
    return (
        section.count(b"\n") == section.count(b"\r\n")
        and b"\n " not in section
        and b"\n\t" not in section
    )


def fix_section(buf: bytes, start: int, *, head: bool) -> bytes | None:
    """``buf`` with the section starting at ``start`` rewritten strict, or None if it already is.

    ``head`` says the section opens with a start line (whose following line may not be folded
    onto it, RFC 9112 §2.2); otherwise it is a trailer section. The section ends at its empty
    line, or at the end of ``buf`` when that has not arrived yet (a fold or an LF that arrives
    later is handled by the next call, which sees the whole section again).
    """
    n = len(buf)
    if head:
        while start < n and buf[start] in b"\r\n":
            start += 1  # empty lines before a message are ignored (RFC 9112 §2.2)
    elif buf.startswith(b"\n", start):
        return buf[:start] + b"\r" + buf[start:]  # an empty trailer section
    elif buf.startswith(b"\r\n", start):
        return None
    strict_end = buf.find(b"\r\n\r\n", start)
    # The usual case, without copies: no bare LF (so no earlier end) and no fold up to it.
    if strict_end >= 0 and _IRREGULAR.search(buf, start, strict_end + 4) is None:
        return None
    m = _SECTION_END.search(buf, start)
    end = m.end() if m is not None else n
    section = buf[start:end]
    if is_strict(section):
        return None
    fixed = _BARE_LF.sub(b"\r\n", section)
    first = 0
    if head:
        first = fixed.find(b"\r\n") + 2
        if first == 1:
            first = len(fixed)  # the start line has not ended: nothing to unfold yet
    fixed = fixed[:first] + _FOLD.sub(b" ", fixed[first:])
    if fixed == section:
        return None
    return buf[:start] + fixed + buf[end:]
