"""``CookieJar``: aiohttp's jar API over a ``CookieStore``, with RFC 6265 §5.3's storage rules.

House rules: the jar decides whether and how a cookie is stored (domain and path rules, public
suffixes, IP hosts, Secure origins, sizes, limits) and the store (``_store.py``) keeps the records.
The clock is injected (``clock=``) and read once per public call. Refused cookies are reported on
the ``httpwire.cookies`` logger, never raised about, except for values the program itself passes.
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from http.cookies import BaseCookie, Morsel, SimpleCookie
from operator import attrgetter
from types import MappingProxyType
from typing import Any, ClassVar, Final

from yarl import URL

from ._abc import _NO_URL, AbstractCookieJar, ClearCookiePredicate, LooseCookies
from ._date import parse_cookie_date
from ._match import (
    default_path,
    domain_match,
    is_ip_address,
    is_loopback_host,
    is_single_label_domain,
)
from ._parse import (
    _SAME_SITE,
    ParsedSetCookie,
    parse_max_age,
    parse_set_cookie,
)
from ._record import CookieRecord
from ._storage import SavedCookie, read_jar_file, write_jar_file
from ._store import CookieStore
from ._values import encodable, received_value, storable, wire_value
from .exceptions import InvalidCookieError, InvalidCookieURLError

__all__ = ["CookieJar"]

# Refused and evicted cookies are reported here at WARNING level, so "why was my cookie dropped?"
# has an answer (aiohttp reports these events on its client logger, mostly at DEBUG).
_logger = logging.getLogger("httpwire.cookies")

# Latest instant a cookie may expire at: 9999-12-31T23:59:59Z.
MAX_TIME: Final = 253402300799.0
_SECURE_SCHEMES: Final = frozenset({"https", "wss"})
_SIMPLE_COOKIE: Final[SimpleCookie] = SimpleCookie()
# Characters a program-supplied name may not contain (the value rules are in ``_values.py``).
_BAD_NAME_CHARS: Final = frozenset("=;, \t\x7f") | frozenset(map(chr, range(32)))
# The octets "Cookie: " adds to a header, counted by the header length limit (as aiohttp).
_COOKIE_HEADER_PREFIX: Final = len("Cookie: ")
_SEPARATOR: Final = len("; ")


def _now() -> float:
    """``time.time()``, looked up at each call so that patching ``time.time`` reaches the jar."""
    return time.time()


def _quota(given: int | None, limit: int, share: float, what: str) -> int:
    """A trimming quota: ``given``, or ``share`` of ``limit``; between 0 and ``limit``."""
    if given is None:
        return int(limit * share)
    if not 0 <= given <= limit:
        raise ValueError(f"{what} must be between 0 and its limit ({limit}), got {given}")
    return given


def _key_path(path: str) -> str:
    """A path as aiohttp keys ``cookies`` and ``host_only_cookies``: trailing slashes removed."""
    return path.rstrip("/")


def _priority(record: CookieRecord) -> tuple[int, int, int]:
    """Admission order under the per-request limits (highest first), as in aiohttp 3.14.

    The most specific cookies first: longest domain (the host's own, shared cookies last),
    then longest path, then the most recently created.
    """
    return (len(record.domain), len(record.path), record.seq)


def _as_url(url: URL | str) -> URL:
    if type(url) is URL:
        return url
    if isinstance(url, str):
        try:
            return URL(url)
        except (ValueError, TypeError, UnicodeError) as exc:
            raise InvalidCookieURLError(f"cannot parse URL {url!r}: {exc}") from None
    if isinstance(url, URL):
        return url
    raise TypeError(f"expected a yarl.URL or str, got {type(url).__name__}")


def _canonical_domain(domain: str) -> str | None:
    """The ASCII (IDNA) form of a non-ASCII Domain attribute, as yarl writes hosts."""
    try:
        return URL.build(scheme="http", host=domain).raw_host
    except (ValueError, TypeError, UnicodeError):
        return None


def _origin_key(url: URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.raw_host or "", url.port)


def _most_specific(records: list[CookieRecord]) -> dict[str, CookieRecord]:
    """One record per name, in order of first appearance: longest domain, then longest path."""
    best: dict[str, CookieRecord] = {}
    for record in records:
        current = best.get(record.name)
        if current is None or (len(record.domain), len(record.path)) > (
            len(current.domain),
            len(current.path),
        ):
            best[record.name] = record
    return best


def _refused(name: str, host: str | None, reason: str) -> None:
    """Log one refused cookie: its name, where it came from and why."""
    _logger.warning("cookie %r from %s ignored: %s", name, host or "no host (shared)", reason)


class CookieJar(AbstractCookieJar):
    """An RFC 6265 cookie jar with aiohttp's ``CookieJar`` API; no asyncio needed.

    ``unsafe`` allows cookies from and to IP-address hosts. ``quote_cookie`` double-quotes
    program-supplied values that need it and replays received values as sent; with
    ``quote_cookie=False`` values are sent unquoted, except those holding ``;`` or a tab, which
    only their coded form carries safely. ``treat_as_secure_origin`` lists origins that get
    Secure cookies over plain HTTP.
    httpwire extensions: ``clock`` (a ``time.time``-like function; by default ``time.time``,
    looked up at each use), the limits, whose defaults are aiohttp 3.14's fixed ones:
    ``max_cookies_per_domain`` (180; a full domain is trimmed to ``cookie_quota_per_domain``,
    150), ``max_cookies`` (3300; a full jar is trimmed to ``cookie_quota``, 3000),
    ``max_cookie_size`` (name plus value, 4096 UTF-8 octets), ``max_cookies_per_response`` (50
    Set-Cookie fields, as aiohttp counts them), ``max_cookies_per_request`` (150) and
    ``max_cookie_header_length`` (8190 octets, ``Cookie: `` included; None lifts either
    per-request limit), and ``is_public_suffix`` (a function refusing Domain attributes such as
    ``co.uk``; the default refuses single-label domains such as ``com``). ``loop`` is accepted
    for aiohttp compatibility and ignored.
    """

    #: The latest expiry time a cookie may have (9999-12-31T23:59:59Z); later ones are clamped.
    MAX_TIME: ClassVar[float] = MAX_TIME

    __slots__ = (
        "__weakref__",
        "_clock",
        "_domain_quota",
        "_is_public_suffix",
        "_max_cookie_size",
        "_max_cookies",
        "_max_header_length",
        "_max_per_domain",
        "_max_per_request",
        "_max_per_response",
        "_quota",
        "_quote_cookie",
        "_secure_origins",
        "_store",
        "_treat_as_secure_origin",
        "_unsafe",
    )

    def __init__(
        self,
        *,
        unsafe: bool = False,
        quote_cookie: bool = True,
        treat_as_secure_origin: URL | str | Iterable[URL | str] | None = None,
        clock: Callable[[], float] | None = None,
        max_cookies_per_domain: int = 180,
        max_cookies: int = 3300,
        max_cookie_size: int = 4096,
        max_cookies_per_response: int = 50,
        cookie_quota_per_domain: int | None = None,
        cookie_quota: int | None = None,
        max_cookies_per_request: int | None = 150,
        max_cookie_header_length: int | None = 8190,
        is_public_suffix: Callable[[str], bool] = is_single_label_domain,
        loop: object = None,
    ) -> None:
        super().__init__(loop=loop)
        if min(max_cookies_per_domain, max_cookies, max_cookie_size, max_cookies_per_response) < 1:
            raise ValueError("cookie limits must be positive")
        if (max_cookies_per_request is not None and max_cookies_per_request < 1) or (
            max_cookie_header_length is not None and max_cookie_header_length < 1
        ):
            raise ValueError("per-request cookie limits must be positive or None")
        # aiohttp's (Firefox's) shares: a full domain keeps 150 of 180, a full jar 3000 of 3300.
        self._domain_quota = _quota(
            cookie_quota_per_domain, max_cookies_per_domain, 5 / 6, "cookie_quota_per_domain"
        )
        self._quota = _quota(cookie_quota, max_cookies, 10 / 11, "cookie_quota")
        self._max_per_request = max_cookies_per_request
        self._max_header_length = max_cookie_header_length
        self._unsafe = unsafe
        self._quote_cookie = quote_cookie
        if treat_as_secure_origin is None:
            origins: list[URL | str] = []
        elif isinstance(treat_as_secure_origin, URL | str):
            origins = [treat_as_secure_origin]
        else:
            origins = list(treat_as_secure_origin)
        self._treat_as_secure_origin = frozenset(_as_url(o).origin() for o in origins)
        self._secure_origins = frozenset(_origin_key(o) for o in self._treat_as_secure_origin)
        self._clock = _now if clock is None else clock
        self._max_per_domain = max_cookies_per_domain
        self._max_cookies = max_cookies
        self._max_cookie_size = max_cookie_size
        self._max_per_response = max_cookies_per_response
        self._is_public_suffix = is_public_suffix
        self._store = CookieStore(unsafe=unsafe)

    def __repr__(self) -> str:
        return f"<CookieJar {len(self)} cookies unsafe={self._unsafe}>"

    # -- properties (aiohttp API) ----------------------------------------------------------

    @property
    def unsafe(self) -> bool:
        """Whether cookies are accepted from and sent to IP-address hosts."""
        return self._unsafe

    @property
    def quote_cookie(self) -> bool:
        """Whether program-supplied values are double-quoted when they need it."""
        return self._quote_cookie

    @property
    def treat_as_secure_origin(self) -> frozenset[URL]:
        """The origins that get Secure cookies even over plain HTTP."""
        return self._treat_as_secure_origin

    @property
    def cookies(self) -> MappingProxyType[tuple[str, str], BaseCookie[str]]:
        """A read-only snapshot of the cookies keyed by (domain, path), as Morsels.

        Paths are keyed as aiohttp keys them, without trailing slashes (``"/"`` is ``""``);
        the Morsels' ``path`` attribute keeps the exact path.
        """
        self._store.expire(self._clock())
        view: dict[tuple[str, str], BaseCookie[str]] = {}
        for domain, buckets in self._store.index.items():
            for path, bucket in buckets.items():
                key = (domain, _key_path(path))
                cookie = view.get(key)
                if cookie is None:
                    cookie = view[key] = SimpleCookie()
                for record in bucket.values():
                    dict.__setitem__(cookie, record.name, record.full_morsel())
        return MappingProxyType(view)

    @property
    def host_only_cookies(self) -> frozenset[tuple[str, str, str]]:
        """The (domain, path, name) of every host-only cookie, paths keyed as in ``cookies``."""
        return frozenset(
            (c.domain, _key_path(c.path), c.name) for c in self._store.records() if c.host_only
        )

    # -- size, iteration, removal ------------------------------------------------------------

    def __len__(self) -> int:
        self._store.expire(self._clock())
        return self._store.count

    def __iter__(self) -> Iterator[Morsel[str]]:
        """Every live cookie as a new ``Morsel`` with its attributes, in creation order."""
        self._store.expire(self._clock())
        for record in sorted(self._store.records(), key=attrgetter("seq")):
            yield record.full_morsel()

    def clear(self, predicate: ClearCookiePredicate | None = None) -> None:
        """Remove every cookie, or those for which ``predicate(morsel)`` returns true."""
        store = self._store
        if predicate is None:
            store.clear()
            return
        store.expire(self._clock())
        doomed = [record for record in store.records() if predicate(record.full_morsel())]
        for record in doomed:
            store.remove(record)

    def clear_domain(self, domain: str) -> None:
        """Remove the cookies of ``domain`` and of all its subdomains."""
        domain = domain.lower().lstrip(".")
        store = self._store
        doomed = [r for r in store.records() if domain_match(r.domain, domain)]
        for record in doomed:
            store.remove(record)

    # -- storing (RFC 6265 §5.3) -----------------------------------------------------------

    def _insert(
        self,
        parsed: ParsedSetCookie,
        coded_value: str,
        value: str,
        host: str | None,
        request_path: str,
        secure_origin: bool,
        now: float,
    ) -> CookieRecord | None:
        """Store one cookie by §5.3's rules; the stored record, or None when none was kept.

        The caller has checked the value (``_values.py``) and the size (``_oversize``).
        """
        name = parsed.name
        domain = parsed.domain
        if domain:
            if not domain.isascii():
                canonical = _canonical_domain(domain)
                if canonical is None:
                    _refused(name, host, f"Domain {domain!r} is not a valid host name")
                    return None
                domain = canonical
            if host is None:
                host_only = False
            elif self._is_public_suffix(domain):
                # §5.3 step 5: a public suffix is only acceptable as the host itself.
                if domain != host:
                    _refused(name, host, f"Domain {domain!r} is a public suffix")
                    return None
                host_only = True
            elif domain_match(host, domain):
                host_only = False
            else:
                _refused(name, host, f"Domain {domain!r} does not match the host")
                return None
        else:
            domain = "" if host is None else host
            host_only = host is not None
        path = parsed.path or default_path(request_path)

        max_age = parsed.max_age
        if max_age is not None:
            expires: float | None = now + max_age if max_age > 0 else -1.0
        else:
            expires = parsed.expires
        if expires is not None and expires > MAX_TIME:
            expires = MAX_TIME

        secure = parsed.secure
        store = self._store
        # RFC 6265bis §5.7 steps 13-14: plain HTTP may neither set a Secure cookie nor
        # replace or shadow one.
        if (
            not secure_origin
            and host is not None
            and (secure or store.shadows_secure(name, domain, path))
        ):
            if secure:
                _refused(name, host, "a Secure cookie needs a secure origin")
            else:
                _refused(name, host, "only a secure origin may replace or shadow a Secure cookie")
            return None

        old = store.find(domain, path, name)
        if expires is not None and expires <= now:
            if old is not None:
                store.remove(old)
            return None
        if old is None:
            if store.domain_counts.get(domain, 0) >= self._max_per_domain and not (
                store.make_room_in(domain, secure, now, self._max_per_domain, self._domain_quota)
            ):
                _refused(
                    name,
                    host,
                    f"{domain} holds {self._max_per_domain} Secure cookies, the domain limit,"
                    " and only a Secure cookie may evict them",
                )
                return None
            if store.count >= self._max_cookies:
                store.make_room(now, self._max_cookies, self._quota)
        record = CookieRecord(
            name,
            value,
            coded_value,
            coded_value if self._quote_cookie else wire_value(value, coded_value, False),
            domain,
            path,
            host_only,
            secure,
            parsed.http_only,
            parsed.same_site,
            expires,
            now if old is None else old.creation,
            next(store.seq) if old is None else old.seq,
        )
        if old is None:
            store.add(record)
        else:
            store.replace(old, record)
        if expires is not None:
            store.schedule(record, expires)
        return record

    def _oversize(self, name: str, coded_value: str, host: str | None) -> bool:
        """Whether name plus value take more than ``max_cookie_size`` octets (logged if so)."""
        limit = self._max_cookie_size
        if len(name) + len(coded_value) <= limit and (
            (name.isascii() and coded_value.isascii())
            or len(name.encode("utf-8", "surrogatepass"))
            + len(coded_value.encode("utf-8", "surrogatepass"))
            <= limit
        ):
            return False
        _refused(name, host, f"name and value take more than {limit} octets")
        return True

    def _response_origin_secure(self, url: URL, host: str | None, count: int) -> bool | None:
        """Whether cookies from ``url`` count as set by a secure origin; None: refuse them all.

        A response URL without a host (shared cookies) counts as secure; an IP-address host is
        refused unless the jar is ``unsafe`` (``count`` cookies, for the log line).
        """
        if host is None:
            return True
        if not self._unsafe and is_ip_address(host):
            _logger.warning(
                "ignored %d cookie(s) from %s: cookies from IP addresses need unsafe=True",
                count,
                host,
            )
            return None
        return self._secure_request(url, host)

    def _secure_request(self, url: URL, host: str) -> bool:
        if url.scheme in _SECURE_SCHEMES or is_loopback_host(host):
            return True
        return bool(self._secure_origins) and _origin_key(url) in self._secure_origins

    def update_cookies_from_headers(self, headers: Sequence[str], response_url: URL | str) -> None:
        """Store the cookies of one response's raw ``Set-Cookie`` field values, in order.

        Fields the RFC 6265 §5.2 algorithm rejects are ignored, never raised about. At most
        ``max_cookies_per_response`` fields are taken: as in aiohttp 3.14, every field that
        parses into a cookie counts (deletions and cookies the jar then refuses included), and
        the fields after the last one taken are ignored.
        """
        if not headers:
            return
        if isinstance(headers, str):
            raise TypeError("pass a sequence of Set-Cookie values, not a single string")
        url = _as_url(response_url)
        host = url.raw_host
        secure_origin = self._response_origin_secure(url, host, len(headers))
        if secure_origin is None:
            return
        now = self._clock()
        request_path = url.raw_path
        insert = self._insert
        room = self._max_per_response
        max_size = self._max_cookie_size
        rejected = 0
        first_rejected = ""
        for position, header in enumerate(headers):
            if not room:
                _logger.warning(
                    "ignored %d Set-Cookie field(s) from %s over the %d-cookie response limit",
                    len(headers) - position,
                    host or "no host (shared)",
                    self._max_per_response,
                )
                break
            if type(header) is not str:
                raise TypeError(f"Set-Cookie values must be str, got {type(header).__name__}")
            parsed = parse_set_cookie(header)
            if parsed is None:
                # One line for them all: there is no name to report and they cost nothing.
                if not rejected:
                    first_rejected = header
                rejected += 1
                continue
            coded_value = parsed.value
            if (
                len(parsed.name) + len(coded_value) > max_size
                or not (coded_value.isascii() and parsed.name.isascii())
            ) and self._oversize(parsed.name, coded_value, host):
                continue
            value = coded_value if coded_value[:1] != '"' else received_value(coded_value)
            if value is None:
                _refused(parsed.name, host, "its quoted value decodes to control characters")
                continue
            # Counted like aiohttp: before the domain and the other §5.3 checks.
            room -= 1
            insert(parsed, coded_value, value, host, request_path, secure_origin, now)
        if rejected:
            _logger.warning(
                "ignored %d Set-Cookie field(s) from %s that are not cookies (RFC 6265 §5.2),"
                " the first: %.80r",
                rejected,
                host or "no host (shared)",
                first_rejected,
            )

    def update_cookies(self, cookies: LooseCookies, response_url: URL | str = _NO_URL) -> None:
        """Store cookies given as a mapping or (name, value) pairs, from ``response_url``.

        Values may be strings or ``Morsel`` objects (whose attributes are honoured). Without a
        response URL the cookies are shared: sent to every host. A name or value that could not
        be sent safely raises ``InvalidCookieError`` before anything is stored. As in aiohttp,
        ``max_cookie_size`` does not apply: it bounds what servers set.
        """
        url = _as_url(response_url)
        host = url.raw_host
        given: object = cookies
        if isinstance(given, str | bytes):
            raise TypeError("update_cookies expects a mapping or pairs, not a string")
        items: list[Any] = list(cookies.items() if isinstance(cookies, Mapping) else cookies)
        secure_origin = self._response_origin_secure(url, host, len(items))
        if secure_origin is None:
            return
        now = self._clock()
        prepared = []
        for item in items:
            try:
                name, value = item
            except (TypeError, ValueError):
                raise TypeError(f"expected a (name, value) pair, got {item!r}") from None
            if isinstance(value, Morsel) and value.key is None and value.value is None:
                # A Morsel never set (``Morsel()``): aiohttp takes it; there is nothing to store.
                _refused(str(name), host, "its Morsel was never set (no name, no value)")
                continue
            prepared.append(self._prepare(name, value, now))
        request_path = url.raw_path
        # No size limit here, as in aiohttp: the program chose the cookie; the per-request
        # header limits still bound what is sent.
        for parsed, coded_value, value in prepared:
            self._insert(parsed, coded_value, value, host, request_path, secure_origin, now)

    def _prepare(self, name: str, value: object, now: float) -> tuple[ParsedSetCookie, str, str]:
        if isinstance(value, Morsel):
            name = value.key or name
            plain, coded = value.value, value.coded_value
            if (
                self._quote_cookie
                and isinstance(plain, str)
                and isinstance(coded, str)
                and coded[:1] != '"'
                and storable(plain, coded)
            ):
                # As aiohttp: a Morsel's value is quoted when it needs it, unless already quoted.
                # An unsafe coded value is not replaced: it raises below, like any bad value.
                coded = _SIMPLE_COOKIE.value_encode(plain)[1]
        else:
            plain = value if isinstance(value, str) else str(value)
            coded = _SIMPLE_COOKIE.value_encode(plain)[1] if self._quote_cookie else plain
        if (
            not isinstance(name, str)
            or not name
            or not _BAD_NAME_CHARS.isdisjoint(name)
            or not encodable(name)
        ):
            raise InvalidCookieError(f"invalid cookie name {name!r}")
        if not isinstance(plain, str) or not isinstance(coded, str):
            raise InvalidCookieError(f"cookie {name!r} has a non-string value")
        if not storable(plain, coded):
            raise InvalidCookieError(
                f"cookie {name!r} has a value that cannot be sent in a Cookie header"
            )
        parsed = ParsedSetCookie(name, coded)
        if isinstance(value, Morsel):
            self._apply_morsel_attributes(parsed, value, now)
        return parsed, coded, plain

    @staticmethod
    def _apply_morsel_attributes(parsed: ParsedSetCookie, morsel: Morsel[str], now: float) -> None:
        domain = str(morsel["domain"] or "")
        if domain:
            parsed.domain = (domain[1:] if domain[0] == "." else domain).lower()
        path = str(morsel["path"] or "")
        if path:
            parsed.path = path if path[0] == "/" else ""
        max_age = morsel["max-age"]
        if max_age not in ("", None):
            parsed.max_age = parse_max_age(str(max_age).strip(" \t"))
        expires: object = morsel["expires"]
        if isinstance(expires, int | float) and not isinstance(expires, bool):
            # http.cookies reads a number as seconds from now.
            parsed.expires = now + expires
        elif isinstance(expires, str) and expires:
            parsed.expires = parse_cookie_date(expires)
        parsed.secure = bool(morsel["secure"])
        parsed.http_only = bool(morsel["httponly"])
        parsed.same_site = _SAME_SITE.get(str(morsel["samesite"] or "").lower())

    # -- sending (RFC 6265 §5.4) -----------------------------------------------------------

    def _select(self, url: URL) -> list[CookieRecord]:
        """The cookies to send to a URL in §5.4 order (duplicates of a name included)."""
        store = self._store
        if not store.count:
            return []
        heap = store.heap
        if heap:
            now = self._clock()
            if heap[0][0] <= now:
                store.expire(now)
        host = url.raw_host or ""
        # Whether the request is secure matters only when some Secure cookie is stored.
        secure = bool(store.secure_names) and self._secure_request(url, host)
        return store.select(host, url.raw_path or "/", secure)

    def _within_limits(self, records: list[CookieRecord], url: URL) -> list[CookieRecord]:
        """``records`` (one request's cookies) cut to the per-request limits, order kept.

        As aiohttp 3.14: at most ``max_cookies_per_request`` cookies and a header of at most
        ``max_cookie_header_length`` octets, ``Cookie: `` and the ``; `` separators included.
        Over a limit, the most specific cookies are admitted first (``_priority``), so a host's
        own cookies win over its parent domains'; a cookie too long for the room left is
        skipped and shorter ones may still follow. The cookies left out are logged.
        """
        max_count = self._max_per_request
        max_length = self._max_header_length
        if (max_count is None or len(records) <= max_count) and (
            max_length is None
            or _COOKIE_HEADER_PREFIX
            + sum([r.length for r in records])
            + _SEPARATOR * (len(records) - 1)
            <= max_length
        ):
            return records
        admitted: set[CookieRecord] = set()
        length = _COOKIE_HEADER_PREFIX - _SEPARATOR
        for record in sorted(records, key=_priority, reverse=True):
            if max_count is not None and len(admitted) >= max_count:
                break
            if max_length is not None and length + _SEPARATOR + record.length > max_length:
                continue
            length += _SEPARATOR + record.length
            admitted.add(record)
        _logger.warning(
            "omitted %d cookie(s) for %s over the %s-cookie or %s-octet Cookie header limit",
            len(records) - len(admitted),
            url.raw_host or "a URL without a host",
            max_count,
            max_length,
        )
        return [record for record in records if record in admitted]

    def _send(self, request_url: URL | str) -> list[CookieRecord]:
        """The cookies of the Cookie header for a URL, in §5.4 order, limited and marked used."""
        url = request_url if type(request_url) is URL else _as_url(request_url)
        found = self._select(url)
        if found:
            found = self._within_limits(found, url)
            self._store.touch(found)
        return found

    def filter_cookies(self, request_url: URL | str = _NO_URL) -> BaseCookie[str]:
        """The cookies to send to ``request_url`` as a ``SimpleCookie``, one per name.

        When several cookies share a name, the most specific is kept, as in aiohttp: the one
        with the longest domain (so a host-only cookie wins for its host), then the longest
        path. The per-request limits then apply (``max_cookies_per_request``,
        ``max_cookie_header_length``). ``cookie_header`` gives the complete field. The Morsels
        are cached and shared between calls: treat them as read-only. A ``str`` URL is
        deprecated, as in aiohttp 3.14 (``DeprecationWarning``): pass a ``yarl.URL``.
        """
        if type(request_url) is not URL:
            warnings.warn(
                "filter_cookies expects a yarl.URL; passing "
                f"{type(request_url).__name__} is deprecated, as in aiohttp 3.14",
                DeprecationWarning,
                stacklevel=2,
            )
            request_url = _as_url(request_url)
        filtered: SimpleCookie = SimpleCookie()
        found = self._select(request_url)
        if found:
            chosen = {r.name: r for r in found}
            if len(chosen) != len(found):
                chosen = _most_specific(found)
            records = self._within_limits(list(chosen.values()), request_url)
            self._store.touch(records)
            dict.update(filtered, {r.name: r.morsel or r.send_morsel() for r in records})
        return filtered

    def cookie_pairs(self, request_url: URL | str) -> list[tuple[str, str]]:
        """The (name, value) pairs of the Cookie header for ``request_url``, in §5.4 order.

        Unlike ``filter_cookies`` this keeps several cookies with the same name (they differ
        in domain or path), which RFC 6265 requires the client to send. The per-request limits
        apply as in ``filter_cookies``.
        """
        return [(record.name, record.send) for record in self._send(request_url)]

    def cookie_header(self, request_url: URL | str) -> str:
        """The exact ``Cookie`` field value for ``request_url``; empty when nothing matches.

        The per-request limits apply as in ``filter_cookies``.
        """
        return "; ".join([f"{r.name}={r.send}" for r in self._send(request_url)])

    # -- persistence ---------------------------------------------------------------------

    def save(self, file_path: str | os.PathLike[str]) -> None:
        """Write every live cookie to a JSON file in aiohttp 3.14's layout (see the docs).

        aiohttp 3.14 loads the file, and ``load`` reads it back unchanged. A new file gets mode
        0600; an existing file keeps its permission bits.
        """
        self._store.expire(self._clock())
        records = sorted(self._store.records(), key=attrgetter("seq"))
        write_jar_file(file_path, [record.saved() for record in records])

    def load(self, file_path: str | os.PathLike[str]) -> None:
        """Replace the jar's contents with the cookies of a jar file.

        Reads the JSON written by ``save`` or by aiohttp 3.14's ``save`` (and httpwire's
        earlier format); a file that is not JSON is read as the pickle of aiohttp before 3.14
        with a restricted unpickler: a pickle naming any class but the cookie containers raises
        ``CookiePickleError`` and nothing in it is called. The file is fully validated first: a
        malformed file raises ``CookieFileFormatError`` and leaves the jar unchanged. Expired
        cookies and cookies the jar's own rules would refuse are skipped; the limits apply in
        creation order (file order for files that httpwire did not write).
        """
        now = self._clock()
        saved = read_jar_file(file_path, now)
        fresh = CookieJar(
            unsafe=self._unsafe,
            quote_cookie=self._quote_cookie,
            treat_as_secure_origin=self._treat_as_secure_origin,
            clock=self._clock,
            max_cookies_per_domain=self._max_per_domain,
            max_cookies=self._max_cookies,
            max_cookie_size=self._max_cookie_size,
            max_cookies_per_response=self._max_per_response,
            cookie_quota_per_domain=self._domain_quota,
            cookie_quota=self._quota,
            max_cookies_per_request=self._max_per_request,
            max_cookie_header_length=self._max_header_length,
            is_public_suffix=self._is_public_suffix,
        )
        for item in saved:
            fresh._restore(item, now)
        self._store.adopt(fresh._store)

    def _restore(self, item: SavedCookie, now: float) -> None:
        name, coded = item["name"], item["coded_value"]
        value = item["value"]
        if (
            not name
            or not _BAD_NAME_CHARS.isdisjoint(name.replace(" ", "").replace(",", ""))
            or not encodable(name)
            or not storable(value, coded)
        ):
            _logger.warning("saved cookie %r skipped: unusable name or value", name)
            return
        domain = item["domain"].lower()
        path = item["path"] if item["path"][:1] == "/" else "/"
        parsed = ParsedSetCookie(
            name,
            coded,
            expires=item["expires"],
            domain=None if item["host_only"] else domain,
            path=path,
            secure=item["secure"],
            http_only=item["http_only"],
            same_site=item["same_site"],
        )
        host = domain if domain else None
        if host is not None and not self._unsafe and is_ip_address(host):
            _logger.warning(
                "saved cookie %r for %s skipped: IP addresses need unsafe=True", name, host
            )
            return
        record = self._insert(parsed, coded, value, host, path, True, now)
        creation = item["creation"]
        if record is not None and creation is not None:
            record.creation = creation
