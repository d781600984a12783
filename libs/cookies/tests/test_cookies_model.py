"""The indexed jar against a direct, list-based reading of RFC 6265 §5.3-§5.4 (property test).

The model keeps a plain list and scans it, exactly as the RFC's prose describes; random sequences
of responses, clock steps and requests must give the same Cookie pairs from both.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from yarl import URL

from httpwire_cookies import (
    CookieJar,
    default_path,
    domain_match,
    is_single_label_domain,
    parse_set_cookie,
    path_match,
)

HOSTS = ["example.com", "www.example.com", "a.www.example.com", "other.org"]
PATHS = ["/", "/a", "/a/", "/a/b", "/ab", "/a/b/c"]
DOMAINS = [None, "example.com", ".www.example.com", "com", "other.org", "EXAMPLE.com"]
PATH_ATTRIBUTES = [None, "/", "/a", "/a/", "/a/b", "relative"]
MAX_AGES = [None, 0, -1, 10, 100]


@dataclass
class Stored:
    name: str
    value: str
    domain: str
    path: str
    host_only: bool
    secure: bool
    expires: float | None
    creation: int


class Model:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.cookies: list[Stored] = []
        self.counter = 0

    def receive(self, host: str, request_path: str, field: str) -> None:
        parsed = parse_set_cookie(field)
        assert parsed is not None
        if parsed.domain:
            domain = parsed.domain
            if is_single_label_domain(domain):
                if domain != host:
                    return
                host_only = True
            elif domain_match(host, domain):
                host_only = False
            else:
                return
        else:
            domain, host_only = host, True
        path = parsed.path or default_path(request_path)
        if parsed.max_age is not None:
            expires: float | None = self.now + parsed.max_age
        else:
            expires = parsed.expires
        old = next(
            (c for c in self.cookies if (c.name, c.domain, c.path) == (parsed.name, domain, path)),
            None,
        )
        if old is not None:
            self.cookies.remove(old)
        if expires is not None and expires <= self.now:
            return
        creation = old.creation if old is not None else self.counter
        self.counter += 1
        self.cookies.append(
            Stored(
                parsed.name, parsed.value, domain, path, host_only, parsed.secure, expires, creation
            )
        )

    def request(self, host: str, path: str, secure: bool) -> list[tuple[str, str]]:
        self.cookies = [c for c in self.cookies if c.expires is None or c.expires > self.now]
        chosen = [
            c
            for c in self.cookies
            if (c.domain == host if c.host_only else domain_match(host, c.domain))
            and path_match(path, c.path)
            and (secure or not c.secure)
        ]
        chosen.sort(key=lambda c: (-len(c.path), c.creation))
        return [(c.name, c.value) for c in chosen]


def _field(
    name: str, value: int, domain: str | None, path: str | None, max_age: int | None, secure: bool
) -> str:
    parts = [f"{name}=v{value}"]
    if domain is not None:
        parts.append(f"Domain={domain}")
    if path is not None:
        parts.append(f"Path={path}")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


_RESPONSE = st.tuples(
    st.just("response"),
    st.sampled_from(HOSTS),
    st.sampled_from(PATHS),
    st.sampled_from(["a", "b", "c"]),
    st.integers(0, 9),
    st.sampled_from(DOMAINS),
    st.sampled_from(PATH_ATTRIBUTES),
    st.sampled_from(MAX_AGES),
    st.booleans(),
)
_TICK = st.tuples(st.just("tick"), st.integers(0, 60))
_REQUEST = st.tuples(
    st.just("request"), st.sampled_from(HOSTS), st.sampled_from(PATHS), st.booleans()
)


@settings(max_examples=250, deadline=None)
@given(st.lists(st.one_of(_RESPONSE, _TICK, _REQUEST), max_size=40))
def test_jar_agrees_with_the_rfc_model(operations: list[tuple[object, ...]]) -> None:
    model = Model()
    jar = CookieJar(clock=lambda: model.now)
    for operation in operations:
        kind = operation[0]
        if kind == "response":
            _, host, path, name, value, domain, path_attribute, max_age, secure = operation
            field = _field(name, value, domain, path_attribute, max_age, secure)  # type: ignore[arg-type]
            # Responses come over https so Secure cookies are accepted by both.
            jar.update_cookies_from_headers([field], URL(f"https://{host}{path}"))
            model.receive(host, path, field)  # type: ignore[arg-type]
        elif kind == "tick":
            model.now += operation[1]  # type: ignore[operator]
        else:
            _, host, path, secure = operation
            url = URL(f"{'https' if secure else 'http'}://{host}{path}")
            assert jar.cookie_pairs(url) == model.request(host, path, secure)  # type: ignore[arg-type]
    live = [c for c in model.cookies if c.expires is None or c.expires > model.now]
    assert len(jar) == len(live)
