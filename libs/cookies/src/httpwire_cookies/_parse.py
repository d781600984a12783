"""Parsing of one ``Set-Cookie`` field value with the algorithm of RFC 6265 §5.2.

House rules: parsing never raises for any string. A field the algorithm says to ignore gives
``None``; an attribute it says to ignore is simply left out. Nothing here knows the request URL
or the clock: the jar (``_jar.py``) applies §5.3 with those.

Two choices from RFC 6265bis are applied on top of RFC 6265, both for safety:

* a field containing a control character other than HTAB is ignored entirely (a CR or NUL in a
  cookie is a sign of header injection and must never be replayed);
* an attribute value longer than 1024 characters is ignored (the flags ``Secure`` and
  ``HttpOnly`` ignore their value, so they are set whatever its length).

One choice follows aiohttp 3.14 rather than RFC 6265: an attribute value in DQUOTEs is a quoted
string, which may hold ``;`` (``Path="/a;b"`` is the path ``/a;b``) and whose quotes and backslash
escapes are removed before use (``Domain="example.com"`` is ``example.com``); an attribute whose
unquoted value holds a control character other than HTAB is ignored. The cookie's own value is
still cut at the first ``;``, as RFC 6265 says.
"""

from __future__ import annotations

import re

from ._date import parse_cookie_date

__all__ = ["ParsedSetCookie", "parse_max_age", "parse_set_cookie", "unquote_cookie_value"]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_MAX_AGE = re.compile(r"-?[0-9]+")
_QUOTED_ESCAPE = re.compile(r"\\(?:([0-3][0-7][0-7])|(.))", re.DOTALL)
# A DQUOTE-wrapped attribute value and the blanks up to the ";" (or the end) after it.
_QUOTED_ATTRIBUTE = re.compile(r'"(?:[^"\\]|\\.)*"[ \t]*(?=;|$)', re.DOTALL)
_WSP = " \t"
_MAX_ATTRIBUTE_VALUE = 1024
# Max-Age values are clamped here (about 31700 years) before any arithmetic.
_MAX_AGE_LIMIT = 10**12
# The SameSite values kept, keyed by their lowercase form (RFC 6265bis §5.6.7).
_SAME_SITE = {"strict": "Strict", "lax": "Lax", "none": "None"}


class ParsedSetCookie:
    """One Set-Cookie field after §5.2: the name-value pair and the attributes that were kept.

    ``path`` is None when absent and ``""`` when the last Path attribute was empty or did not
    start with ``/`` (both mean "use the default path"). ``domain`` is lowercased without its
    leading dot; ``""`` means a Domain attribute whose value was only a dot. ``expires`` is a
    POSIX timestamp; ``max_age`` is the number of seconds (zero or less means "expire now").
    """

    __slots__ = (
        "domain",
        "expires",
        "http_only",
        "max_age",
        "name",
        "path",
        "same_site",
        "secure",
        "value",
    )

    def __init__(
        self,
        name: str,
        value: str,
        *,
        expires: float | None = None,
        max_age: int | None = None,
        domain: str | None = None,
        path: str | None = None,
        secure: bool = False,
        http_only: bool = False,
        same_site: str | None = None,
    ) -> None:
        self.name = name
        self.value = value
        self.expires = expires
        self.max_age = max_age
        self.domain = domain
        self.path = path
        self.secure = secure
        self.http_only = http_only
        self.same_site = same_site

    def __repr__(self) -> str:
        attributes = ", ".join(
            f"{slot}={getattr(self, slot)!r}"
            for slot in self.__slots__
            if slot not in ("name", "value") and getattr(self, slot) not in (None, False)
        )
        tail = f", {attributes}" if attributes else ""
        return f"<ParsedSetCookie {self.name!r}={self.value!r}{tail}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ParsedSetCookie):
            return NotImplemented
        return all(getattr(self, slot) == getattr(other, slot) for slot in self.__slots__)

    __hash__ = None  # type: ignore[assignment]


def parse_max_age(value: str) -> int | None:
    """A Max-Age value per RFC 6265 §5.2.2 (clamped to a large bound); None when invalid."""
    if 0 < len(value) <= 13 and value.isascii() and value.isdigit():
        return min(int(value), _MAX_AGE_LIMIT)
    if _MAX_AGE.fullmatch(value) is None:
        return None
    if len(value) > 13:
        return -1 if value[0] == "-" else _MAX_AGE_LIMIT
    return min(int(value), _MAX_AGE_LIMIT)


def parse_set_cookie(field_value: str) -> ParsedSetCookie | None:
    """Parse one Set-Cookie field value (RFC 6265 §5.2); None when the cookie must be ignored.

    The value is kept exactly as sent (quotes included), as §5.4 replays it. Unknown attributes
    are dropped; for each known attribute the last valid occurrence wins.
    """
    if _CONTROL.search(field_value) is not None:
        return None
    head, semicolon, attributes = field_value.partition(";")
    name, equals, value = head.partition("=")
    if not equals:
        return None
    name = name.strip(_WSP)
    if not name:
        return None
    cookie = ParsedSetCookie(name, value.strip(_WSP))
    if not semicolon:
        return cookie
    quoted = '"' in attributes
    for attribute in _split_quoted_attributes(attributes) if quoted else attributes.split(";"):
        key, _, attribute_value = attribute.partition("=")
        key = key.strip(_WSP).lower()
        # Flags ignore their value, even one over the length limit (as aiohttp 3.14): dropping
        # ``Secure`` for an oversize value would send the cookie over plain HTTP.
        if key == "secure":
            cookie.secure = True
            continue
        if key == "httponly":
            cookie.http_only = True
            continue
        attribute_value = attribute_value.strip(_WSP)
        if len(attribute_value) > _MAX_ATTRIBUTE_VALUE:
            continue
        if quoted and attribute_value[:1] == '"':
            unquoted = unquote_cookie_value(attribute_value)
            if unquoted is not attribute_value and _CONTROL.search(unquoted) is not None:
                continue
            attribute_value = unquoted
        if key == "path":
            cookie.path = attribute_value if attribute_value[:1] == "/" else ""
        elif key == "domain":
            # §5.2.3: an empty value SHOULD make the user agent ignore the attribute.
            if attribute_value:
                if attribute_value[0] == ".":
                    attribute_value = attribute_value[1:]
                cookie.domain = attribute_value.lower()
        elif key == "expires":
            timestamp = parse_cookie_date(attribute_value)
            if timestamp is not None:
                cookie.expires = timestamp
        elif key == "max-age":
            seconds = parse_max_age(attribute_value)
            if seconds is not None:
                cookie.max_age = seconds
        elif key == "samesite":
            same_site = _SAME_SITE.get(attribute_value.lower())
            if same_site is not None:
                cookie.same_site = same_site
    return cookie


def _split_quoted_attributes(attributes: str) -> list[str]:
    """``attributes.split(";")``, except that a quoted attribute value may hold ``;``.

    A value is quoted when it starts with DQUOTE and a closing DQUOTE (backslash escapes
    honoured) is followed only by blanks up to the next ``;`` or the end; any other value ends
    at the next ``;``.
    """
    parts: list[str] = []
    position = 0
    end = len(attributes)
    while position <= end:
        semicolon = attributes.find(";", position)
        if semicolon < 0:
            semicolon = end
        equals = attributes.find("=", position, semicolon)
        if equals >= 0:
            start = equals + 1
            while attributes[start : start + 1] in (" ", "\t"):
                start += 1
            if attributes[start : start + 1] == '"':
                match = _QUOTED_ATTRIBUTE.match(attributes, start)
                if match is not None:
                    semicolon = match.end()
        parts.append(attributes[position:semicolon])
        position = semicolon + 1
    return parts


def _unescape(match: re.Match[str]) -> str:
    octal = match[1]
    return chr(int(octal, 8)) if octal is not None else match[2]


def unquote_cookie_value(value: str) -> str:
    """The value a ``Morsel`` reports for a raw cookie value: a DQUOTE-wrapped value unwrapped.

    Backslash escapes inside the quotes (``\\"``, ``\\\\``, octal ``\\073``) are decoded, as the
    standard library's ``http.cookies`` writes them. Any other value is returned unchanged.
    """
    if len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    inner = value[1:-1]
    if "\\" not in inner:
        return inner
    return _QUOTED_ESCAPE.sub(_unescape, inner)
