"""The IETF http-state parser suite (222 cases) through ``update_cookies_from_headers``.

Every case runs. A case either produces the expected Cookie header exactly, or is listed in
``DEVIATIONS`` with the reason and the header httpwire produces instead, which is asserted too.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from yarl import URL

from httpwire_cookies import CookieJar

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
DATA = SHARED / "conformance" / "cookies-http-state.json"
# The calibration clock of the conformance README: 2011-06-01T00:00:00Z.
FROZEN_NOW = datetime.fromisoformat("2011-06-01T00:00:00+00:00").timestamp()


class Deviation(NamedTuple):
    reason: str
    produces: str | None


DEVIATIONS: dict[str, Deviation] = {
    "disabled-chromium0022": Deviation(
        "RFC 6265bis §5.6: a Set-Cookie value holding a control character (here NUL) is "
        "ignored entirely rather than truncated; a disabled (disputed) case in the suite",
        None,
    ),
    "disabled-chromium0023": Deviation(
        "RFC 6265bis §5.6: a Set-Cookie value holding a bare CR is ignored entirely rather "
        "than truncated (a CR must never reach a Cookie header); a disabled case in the suite",
        None,
    ),
    # Issue 16: quoted attribute values are unquoted as aiohttp 3.14 does (its result here too).
    "domain0021": Deviation(
        'aiohttp parity: Domain="home.example.org" is unquoted, so the cookie is kept for that '
        "domain; RFC 6265 takes the quotes as part of the domain and ignores the cookie",
        "foo=bar",
    ),
    "path0027": Deviation(
        'aiohttp parity: Path="/cookie-parser-result/foo/qux;" is a quoted string holding the '
        "';', so the path does not match the request; RFC 6265 cuts the value at the ';', "
        "which gives the default path",
        None,
    ),
}


def _load() -> list[dict[str, Any]]:
    if not DATA.is_file():
        return []
    cases: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
    return cases


CASES = _load()
BY_ID = {case["id"]: case for case in CASES}
TIME_SENSITIVE = [case for case in CASES if case.get("time_sensitive")]


def _header(case: dict[str, Any], jar: CookieJar) -> str | None:
    jar.update_cookies_from_headers(case["set_cookie"], URL(case["request_url"]))
    return jar.cookie_header(URL(case["result_url"])) or None


def test_conformance_data_is_present() -> None:
    assert DATA.is_file(), f"conformance data missing: {DATA}"
    assert len(CASES) == 222


def test_deviations_are_few_and_real() -> None:
    assert len(CASES) - len(DEVIATIONS) >= 215
    for case_id, deviation in DEVIATIONS.items():
        assert case_id in BY_ID, case_id
        assert deviation.produces != BY_ID[case_id]["expected_cookie_header"], case_id


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_http_state_case(case: dict[str, Any]) -> None:
    jar = CookieJar(clock=lambda: FROZEN_NOW)
    got = _header(case, jar)
    deviation = DEVIATIONS.get(case["id"])
    expected = case["expected_cookie_header"] if deviation is None else deviation.produces
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_filter_cookies_agrees_with_header(case: dict[str, Any]) -> None:
    """``filter_cookies`` (one cookie per name) holds one of the cookies sent for each name.

    Which one is the most specific by aiohttp's rule (longest domain, then longest path), which
    ``test_cookies_jar.py`` checks against aiohttp; the names keep their Cookie header order.
    """
    jar = CookieJar(clock=lambda: FROZEN_NOW)
    jar.update_cookies_from_headers(case["set_cookie"], URL(case["request_url"]))
    pairs = jar.cookie_pairs(URL(case["result_url"]))
    filtered = jar.filter_cookies(URL(case["result_url"]))
    assert list(filtered) == list(dict.fromkeys(name for name, _ in pairs))
    assert all((name, morsel.coded_value) in pairs for name, morsel in filtered.items())


@pytest.mark.parametrize("case", TIME_SENSITIVE, ids=[case["id"] for case in TIME_SENSITIVE])
def test_time_sensitive_case_on_real_clock(case: dict[str, Any]) -> None:
    """On the real clock, a case whose Expires date has passed must send nothing."""
    expires_at = datetime.fromisoformat(
        case["time_sensitive"]["expires_at"].replace("Z", "+00:00")
    ).timestamp()
    got = _header(case, CookieJar())
    if time.time() >= expires_at:
        assert got == case["time_sensitive"]["expected_cookie_header_after_expiry"]
    else:
        assert got == case["expected_cookie_header"]


@pytest.mark.parametrize("case", TIME_SENSITIVE, ids=[case["id"] for case in TIME_SENSITIVE])
def test_time_sensitive_case_after_expiry(case: dict[str, Any]) -> None:
    """With the clock one second past the expiry date, the cookie is gone."""
    expires_at = datetime.fromisoformat(
        case["time_sensitive"]["expires_at"].replace("Z", "+00:00")
    ).timestamp()
    got = _header(case, CookieJar(clock=lambda: expires_at + 1))
    assert got == case["time_sensitive"]["expected_cookie_header_after_expiry"]
