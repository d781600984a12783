"""Eviction when a domain or the jar is full: the order aiohttp 3.14 uses (issue 16).

Each scenario runs through the public jar API. ``AIOHTTP`` holds what aiohttp 3.14.5's jar did
with the same steps (observed, written down literally): the cookies it evicted, how many cookies
it held at the end and whether the last new cookie was kept. Both jars evict a batch when a domain
reaches 180 cookies (down to 150, as Firefox does) and httpwire's results are aiohttp's.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from yarl import URL

from httpwire_cookies import CookieJar

U = "https://example.com/"
Step = tuple[str, object, object]


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def cs(*ranges: range) -> list[str]:
    return [f"c{i}" for numbers in ranges for i in numbers]


def fill(count: int, attributes: str = "", start: int = 0, paths: bool = False) -> list[Step]:
    return [
        ("set", U, f"c{i}=v" + (f"; Path=/p{i}" if paths else "") + attributes)
        for i in range(start, start + count)
    ]


def aiohttp_file(secure: list[bool]) -> dict[str, object]:
    """An aiohttp 3.14 jar file holding host-only cookies c0, c1, ... for example.com."""
    bucket = {
        f"c{i}": {
            "key": f"c{i}",
            "value": "v",
            "coded_value": "v",
            "domain": "example.com",
            "path": "/",
            "host_only": True,
            **({"secure": True} if flag else {}),
        }
        for i, flag in enumerate(secure)
    }
    return {"example.com|": bucket}


NEW = ("set", U, "new=1")
SCENARIOS: dict[str, list[Step]] = {
    "oldest first": [*fill(180), NEW],
    "sent cookies count as used": [
        *fill(180, paths=True),
        *[("get", f"https://example.com/p{i}", None) for i in range(5)],
        NEW,
    ],
    "replacing refreshes": [*fill(180), ("set", U, "c0=changed"), ("set", U, "c1=v"), NEW],
    "Secure kept, new plain dropped": [*fill(180, "; Secure"), NEW],
    "Secure evicts Secure": [*fill(180, "; Secure"), ("set", U, "new=1; Secure")],
    "plain before Secure": [*fill(170, "; Secure"), *fill(10, start=170), NEW],
    "older Secure skipped": [*fill(10, "; Secure"), *fill(170, start=10), NEW],
    "expired first": [
        *[("set", U, f"c{i}=v" + ("; Max-Age=10" if 100 <= i < 105 else "")) for i in range(180)],
        ("tick", 20, None),
        NEW,
    ],
    "deletion never evicts": [*fill(180), ("set", U, "new=1; Max-Age=0")],
    "deletion frees a slot": [*fill(180), ("set", U, "c5=v; Max-Age=0"), NEW],
    "domain cookie from a subdomain": [
        *fill(180),
        ("set", "https://www.example.com/", "sub=1"),
        ("set", "https://www.example.com/", "new=1; Domain=example.com"),
    ],
    "load: 200 cookies": [("load", aiohttp_file([False] * 200), None)],
    "load: 180 Secure, 10 plain": [("load", aiohttp_file([True] * 180 + [False] * 10), None)],
}

# (scenario, aiohttp: (evicted, cookies at the end, new cookie kept), httpwire when different)
CASES: list[tuple[str, tuple[list[str], int, bool]]] = [
    ("oldest first", (cs(range(31)), 150, True)),
    ("sent cookies count as used", (cs(range(5, 36)), 150, True)),
    ("replacing refreshes", (cs(range(2, 33)), 150, True)),
    ("Secure kept, new plain dropped", (cs(), 180, False)),
    ("Secure evicts Secure", (cs(range(31)), 150, True)),
    ("plain before Secure", (cs(range(170, 180)), 171, True)),
    ("older Secure skipped", (cs(range(10, 41)), 150, True)),
    # aiohttp still evicts live cookies down to 150 after expiry freed five places.
    ("expired first", (cs(range(26), range(100, 105)), 150, True)),
    ("deletion never evicts", (cs(), 180, False)),
    ("deletion frees a slot", (cs(), 180, True)),
    ("domain cookie from a subdomain", (cs(range(31)), 151, True)),
    ("load: 200 cookies", (cs(range(31)), 169, False)),
    ("load: 180 Secure, 10 plain", (cs(range(180, 190)), 180, False)),
]


def run(steps: list[Step], tmp_path: Path) -> tuple[list[str], int, bool]:
    """Apply the steps to a new jar; (evicted names in order of storing, cookies, new kept)."""
    clock = Clock()
    jar = CookieJar(clock=clock)
    stored: list[str] = []
    deleted: set[str] = set()
    for kind, first, second in steps:
        if kind == "set":
            assert isinstance(first, str)
            assert isinstance(second, str)
            jar.update_cookies_from_headers([second], URL(first))
            name = second.partition("=")[0]
            if "Max-Age=0" in second:
                deleted.add(name)
            elif name not in stored:
                stored.append(name)
        elif kind == "get":
            assert isinstance(first, str)
            jar.filter_cookies(URL(first))
        elif kind == "tick":
            assert isinstance(first, int)
            clock.now += first
        else:
            assert isinstance(first, dict)
            path = tmp_path / "aiohttp.json"
            path.write_text(json.dumps(first), encoding="utf-8")
            jar.load(path)
            stored.extend(first["example.com|"])
    kept = {morsel.key for morsel in jar}
    evicted = [name for name in stored if name not in kept and name not in deleted | {"new"}]
    return evicted, len(jar), "new" in kept


@pytest.mark.parametrize(("scenario", "aiohttp"), CASES, ids=[c[0] for c in CASES])
def test_eviction_order_matches_aiohttp(
    tmp_path: Path, scenario: str, aiohttp: tuple[list[str], int, bool]
) -> None:
    # The same victims, in the same order, the same count and the same fate for the new one.
    assert run(SCENARIOS[scenario], tmp_path) == aiohttp


def test_every_scenario_has_an_expectation() -> None:
    assert [case[0] for case in CASES] == list(SCENARIOS)


# -- what is logged ----------------------------------------------------------------------


def test_evictions_and_drops_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    jar = CookieJar(clock=Clock(), max_cookies_per_domain=3)
    url = URL(U)
    jar.update_cookies_from_headers(["a=1", "b=2", "c=3"], url)
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        jar.update_cookies_from_headers(["d=4"], url)
    # A full domain is trimmed to five sixths of its limit (2 of 3), then the new one is added.
    assert caplog.messages == [
        "evicted 2 cookie(s) for example.com over the 3-cookie domain limit: 'a' (example.com/),"
        " 'b' (example.com/)"
    ]
    caplog.clear()
    jar.clear()
    jar.update_cookies_from_headers(["a=1; Secure", "b=2; Secure", "c=3; Secure"], url)
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        jar.update_cookies_from_headers(["d=4"], url)
    assert caplog.messages == [
        "cookie 'd' from example.com ignored: example.com holds 3 Secure cookies, the domain"
        " limit, and only a Secure cookie may evict them"
    ]


def test_a_long_eviction_names_five_cookies(caplog: pytest.LogCaptureFixture) -> None:
    jar = CookieJar(clock=Clock(), max_cookies=50, cookie_quota=44)
    for i in range(50):
        jar.update_cookies_from_headers([f"c{i}=v"], URL(f"https://s{i}.example/"))
    with caplog.at_level(logging.WARNING, logger="httpwire.cookies"):
        jar.update_cookies_from_headers(["new=1"], URL("https://new.example/"))
    # Trimmed to the quota (44), then the new one is added.
    assert caplog.messages == [
        "evicted 6 cookie(s) over the 50-cookie limit of the jar: 'c0' (s0.example/),"
        " 'c1' (s1.example/), 'c2' (s2.example/), 'c3' (s3.example/), 'c4' (s4.example/)"
        " and 1 more"
    ]
    assert len(jar) == 45


# -- the total limit (httpwire's own numbers) ----------------------------------------------


def test_total_limit_evicts_least_recently_used_first_secure_or_not() -> None:
    jar = CookieJar(clock=Clock(), max_cookies=10)
    for i in range(10):
        secure = "; Secure" if i % 2 else ""
        jar.update_cookies_from_headers([f"c{i}=v{secure}"], URL(f"https://s{i}.example/"))
    jar.cookie_header(URL("https://s0.example/"))  # c0 is now the most recently used
    jar.update_cookies_from_headers(["new=1"], URL("https://new.example/"))
    # Trimmed to the default quota (ten elevenths of 10: 9): c1, Secure, goes.
    assert sorted(m.key for m in jar) == sorted(["c0", *cs(range(2, 10)), "new"])


def test_total_limit_takes_expired_cookies_first() -> None:
    clock = Clock()
    jar = CookieJar(clock=clock, max_cookies=10)
    for i in range(10):
        max_age = "; Max-Age=5" if i >= 8 else ""
        jar.update_cookies_from_headers([f"c{i}=v{max_age}"], URL(f"https://s{i}.example/"))
    clock.now += 10
    jar.update_cookies_from_headers(["new=1"], URL("https://new.example/"))
    assert sorted(m.key for m in jar) == sorted([*cs(range(8)), "new"])


def test_limits_are_applied_to_loaded_files(tmp_path: Path) -> None:
    source = CookieJar(clock=Clock())
    for i in range(30):
        source.update_cookies_from_headers([f"c{i}=v"], URL(f"https://s{i}.example/"))
    source.save(tmp_path / "jar.json")
    small = CookieJar(clock=Clock(), max_cookies=20)
    small.load(tmp_path / "jar.json")
    # Loaded in file order: each time the jar is full it is trimmed to 18 (two go).
    assert {m.key for m in small} == set(cs(range(10, 30)))
