"""``CookieRecord``: one stored cookie (the RFC 6265 §5.3 fields) and the forms the jar hands out.

House rules: a record is never mutated after it is stored, except for ``access`` (its recency, for
eviction), ``alive`` (cleared when it leaves the store, for the expiry heap's lazy deletion),
``creation`` (set once by ``load``) and the cached sending ``Morsel``. Replacing a cookie stores a
new record that inherits the old one's creation time and sequence number.
"""

from __future__ import annotations

from http.cookies import Morsel

from ._date import format_cookie_date
from ._layout import SavedCookie

__all__: list[str] = []


class CookieRecord:
    """One stored cookie plus what the jar needs to send it quickly.

    ``value`` is the value a ``Morsel`` reports, ``coded_value`` the value as received or quoted,
    and ``send`` the form written into Cookie headers (one of the two, chosen by the jar).
    ``seq`` orders records by creation, ``order`` is the RFC 6265 §5.4 sort key (longer paths
    first, then earlier creation), ``access`` the recency generation used for eviction and
    ``length`` the octets ``name=send`` takes in a Cookie header.
    """

    __slots__ = (
        "access",
        "alive",
        "coded_value",
        "creation",
        "domain",
        "expires",
        "host_only",
        "http_only",
        "length",
        "morsel",
        "name",
        "order",
        "path",
        "same_site",
        "secure",
        "send",
        "seq",
        "value",
    )

    def __init__(
        self,
        name: str,
        value: str,
        coded_value: str,
        send: str,
        domain: str,
        path: str,
        host_only: bool,
        secure: bool,
        http_only: bool,
        same_site: str | None,
        expires: float | None,
        creation: float,
        seq: int,
    ) -> None:
        self.name = name
        self.value = value
        self.coded_value = coded_value
        self.send = send
        # Octets of "name=send" in a Cookie header, for the per-request header limit.
        self.length = (
            len(name) + 1 + len(send)
            if name.isascii() and send.isascii()
            else len(f"{name}={send}".encode("utf-8", "surrogatepass"))
        )
        self.domain = domain
        self.path = path
        self.host_only = host_only
        self.secure = secure
        self.http_only = http_only
        self.same_site = same_site
        self.expires = expires
        self.creation = creation
        self.seq = seq
        self.order = seq - (len(path) << 64)
        self.access = 0
        self.alive = True
        self.morsel: Morsel[str] | None = None

    def __repr__(self) -> str:
        scope = "host-only" if self.host_only else "domain"
        return f"<CookieRecord {self.name!r} {scope} {self.domain!r} {self.path!r}>"

    def send_morsel(self) -> Morsel[str]:
        """The bare Morsel ``filter_cookies`` returns (name, value and the value to send)."""
        morsel = self.morsel
        if morsel is None:
            morsel = Morsel()
            morsel.__setstate__(  # type: ignore[attr-defined]
                {"key": self.name, "value": self.value, "coded_value": self.send}
            )
            self.morsel = morsel
        return morsel

    def full_morsel(self) -> Morsel[str]:
        """A new Morsel with every attribute, for iteration and ``clear`` predicates."""
        morsel: Morsel[str] = Morsel()
        morsel.__setstate__(  # type: ignore[attr-defined]
            {"key": self.name, "value": self.value, "coded_value": self.coded_value}
        )
        morsel["domain"] = self.domain
        morsel["path"] = self.path
        if self.expires is not None:
            morsel["expires"] = format_cookie_date(self.expires)
        if self.secure:
            morsel["secure"] = True
        if self.http_only:
            morsel["httponly"] = True
        if self.same_site is not None:
            morsel["samesite"] = self.same_site
        return morsel

    def saved(self) -> SavedCookie:
        """The record as one entry of a jar file."""
        return SavedCookie(
            name=self.name,
            value=self.value,
            coded_value=self.coded_value,
            domain=self.domain,
            path=self.path,
            host_only=self.host_only,
            secure=self.secure,
            http_only=self.http_only,
            same_site=self.same_site,
            expires=self.expires,
            creation=self.creation,
        )
