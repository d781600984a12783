"""Which cookie values the jar keeps, and which form of a value goes into a Cookie header.

A cookie has two values: ``coded_value``, the text as received (or as quoted for the program), and
``value``, what a ``Morsel`` reports (a DQUOTE-wrapped text with its backslash escapes decoded).
Decoding can produce characters the received text did not hold: ``"x\\015\\012X: 1"`` decodes to
a CR LF and ``"b\\073 admin=1"`` to a ``;``. Sending the decoded value would let a server inject
header lines or extra cookies, so one set of rules holds on every path into the jar (responses,
``update_cookies``, ``load``):

* a coded value never holds a control character other than HTAB, nor a ``;``;
* a value never holds a control character other than HTAB: a received value that would decode
  to one is refused;
* a value holding a ``;`` or an HTAB is sent in its coded form, even with ``quote_cookie=False``;
* a program-supplied or loaded value that UTF-8 cannot encode (a lone surrogate) is refused.
"""

from __future__ import annotations

from typing import Final

from ._parse import unquote_cookie_value

__all__: list[str] = []

# Control characters other than HTAB: never stored in a value, coded or not.
CONTROL_CHARS: Final = frozenset(map(chr, range(32))) - {"\t"} | {"\x7f"}
# Never in a coded value: it is written into the Cookie header as it is.
_UNSENDABLE_CODED: Final = CONTROL_CHARS | {";"}
# A value holding one of these is sent in its coded form.
_SENT_CODED: Final = frozenset(";\t")


def received_value(coded_value: str) -> str | None:
    """The ``Morsel`` value of a value received in a Set-Cookie field; None to refuse it.

    The field has already passed the parser, so ``coded_value`` holds no control character
    other than HTAB and no ``;``. Only a quoted value with escapes can decode to more.
    """
    if coded_value[:1] != '"':
        return coded_value
    value = unquote_cookie_value(coded_value)
    if "\\" in coded_value and not CONTROL_CHARS.isdisjoint(value):
        return None
    return value


def encodable(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (a lone surrogate such as ``\\udcff`` cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def storable(value: str, coded_value: str) -> bool:
    """Whether a (value, coded value) pair may be stored: neither could break a Cookie header.

    Neither may hold a character that cannot be encoded either: the Cookie header could not be
    written, so such a cookie would break every request to its site (aiohttp drops it too).
    """
    return (
        CONTROL_CHARS.isdisjoint(value)
        and _UNSENDABLE_CODED.isdisjoint(coded_value)
        and encodable(value)
        and encodable(coded_value)
    )


def wire_value(value: str, coded_value: str, quote_cookie: bool) -> str:
    """The form of a stored value written into Cookie headers.

    The coded value with ``quote_cookie`` (as aiohttp); otherwise the value itself, unless it
    holds a ``;`` or an HTAB, which only the coded form can carry safely.
    """
    if quote_cookie or not _SENT_CODED.isdisjoint(value):
        return coded_value
    return value
