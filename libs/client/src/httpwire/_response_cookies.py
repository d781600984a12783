"""``ClientResponse.cookies``: the response's Set-Cookie fields as sent, one ``Morsel`` per field.

Each field is read with the jar's RFC 6265 §5.2 parser, so a field the jar ignores (no ``=``, no
name, a control character) is left out here too, and an attribute word such as ``path`` is a
valid cookie name in first position. Attribute values are kept as the server wrote them (the
jar is what interprets them), only unquoted. As in aiohttp 3.14, a field never yields more than
one cookie, and at most the first 50 fields of a response are read.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from http.cookies import Morsel, SimpleCookie

from httpwire_cookies import parse_set_cookie, unquote_cookie_value

# Used by ClientResponse only; nothing here is public API.
__all__: list[str] = []

_MAX_COOKIES = 50
_MAX_ATTRIBUTE_VALUE = 1024
_FLAGS = frozenset({"secure", "httponly", "partitioned"})
# The attributes this Python's Morsel knows (``partitioned`` arrived in 3.14).
_RESERVED: frozenset[str] = frozenset(Morsel._reserved)  # type: ignore[attr-defined]
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

client_logger = logging.getLogger("httpwire.client")


def response_cookies(fields: Sequence[str]) -> SimpleCookie:
    """A ``SimpleCookie`` of the cookies in ``fields`` (Set-Cookie values); a later name wins."""
    cookies = SimpleCookie()
    parsed_count = 0
    for field in fields:
        if parsed_count >= _MAX_COOKIES:
            client_logger.debug("ignored Set-Cookie fields over the %d-cookie limit", _MAX_COOKIES)
            break
        parsed = parse_set_cookie(field)
        if parsed is None:
            client_logger.debug("ignored an unparsable Set-Cookie field")
            continue
        parsed_count += 1
        coded_value = parsed.value
        morsel: Morsel[str] = Morsel()
        # __setstate__ takes any name the parser accepted; Morsel.set() refuses attribute words.
        morsel.__setstate__(  # type: ignore[attr-defined]
            {
                "key": parsed.name,
                "value": unquote_cookie_value(coded_value),
                "coded_value": coded_value,
            }
        )
        _, _, attributes = field.partition(";")
        if attributes:
            _set_attributes(morsel, attributes)
        dict.__setitem__(cookies, parsed.name, morsel)
    return cookies


def _set_attributes(morsel: Morsel[str], attributes: str) -> None:
    """Copy the known attributes of one field onto ``morsel``; the last occurrence wins."""
    for attribute in attributes.split(";"):
        key, _, value = attribute.partition("=")
        key = key.strip(" \t").lower()
        if key not in _RESERVED:
            continue
        if key in _FLAGS:
            dict.__setitem__(morsel, key, True)
            continue
        value = value.strip(" \t")
        if len(value) > _MAX_ATTRIBUTE_VALUE:
            continue
        if value[:1] == '"':
            value = unquote_cookie_value(value)
            if _CONTROL.search(value) is not None:
                continue
        dict.__setitem__(morsel, key, value)
