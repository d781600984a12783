"""``_pickle.py``: aiohttp's pre-3.14 pickled jars load; any other pickle is refused uncalled."""

from __future__ import annotations

import os
import pickle
import subprocess
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from yarl import URL

from httpwire_cookies import CookieFileFormatError, CookieJar, CookiePickleError

NOW = 1_700_000_000.0


def old_aiohttp_jar() -> defaultdict[tuple[str, str], SimpleCookie]:
    """What aiohttp before 3.14 pickled: ``{(domain, path): SimpleCookie}``."""
    cookies: defaultdict[tuple[str, str], SimpleCookie] = defaultdict(SimpleCookie)
    cookies[("", "")]["shared"] = "s"
    cookies[("", "")]["shared"]["path"] = "/"
    cookies[("example.com", "")]["dom"] = "d"
    cookies[("example.com", "")]["dom"].update({"domain": "example.com", "path": "/"})
    cookies[("example.com", "/app")]["app"] = "a b"
    cookies[("example.com", "/app")]["app"].update(
        {"domain": "example.com", "path": "/app", "max-age": "60", "secure": True}
    )
    cookies[("example.com", "")]["dated"] = "x"
    cookies[("example.com", "")]["dated"].update(
        {"domain": "example.com", "path": "/", "expires": "Tue, 1 Jan 2999 12:00:00 GMT"}
    )
    return cookies


# aiohttp pickled with the highest protocol; 0 and 1 would need copyreg, which is refused.
@pytest.mark.parametrize("protocol", range(2, pickle.HIGHEST_PROTOCOL + 1))
def test_old_aiohttp_pickles_load(tmp_path: Path, protocol: int) -> None:
    path = tmp_path / "jar.pickle"
    path.write_bytes(pickle.dumps(old_aiohttp_jar(), protocol))
    jar = CookieJar(clock=lambda: NOW)
    jar.load(path)
    assert sorted(m.key for m in jar) == ["app", "dated", "dom", "shared"]
    # No creation times in the pickle: the file order stands in for them.
    url = URL("https://www.example.com/app/x")
    assert jar.cookie_header(url) == 'app="a b"; shared=s; dom=d; dated=x'
    assert jar.cookie_header(URL("http://example.com/app/")) == "shared=s; dom=d; dated=x"
    later = CookieJar(clock=lambda: NOW + 120)
    later.load(path)
    # Max-Age is relative: it counts from the load, as aiohttp reads it.
    assert "app" in {m.key for m in later}


def test_pickle_payload_is_never_called(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, (f"touch {marker}",))

    path = tmp_path / "jar.pickle"
    path.write_bytes(pickle.dumps({("example.com", ""): SimpleCookie(), "x": Payload()}))
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies({"kept": "1"})
    with pytest.raises(CookiePickleError, match=r"Forbidden class: (posix|os|nt)\.system"):
        jar.load(path)
    assert not marker.exists()
    assert [m.key for m in jar] == ["kept"]


@pytest.mark.parametrize("target", [eval, subprocess.call, print, getattr])
def test_any_other_global_is_forbidden(tmp_path: Path, target: object) -> None:
    class Payload:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (target, ("x",))

    path = tmp_path / "jar.pickle"
    path.write_bytes(pickle.dumps(Payload(), pickle.HIGHEST_PROTOCOL))
    with pytest.raises(CookiePickleError, match="Forbidden class") as info:
        CookieJar().load(path)
    # Both httpwire's typed error and the error aiohttp raises.
    assert isinstance(info.value, pickle.UnpicklingError)
    assert isinstance(info.value, CookieFileFormatError)


@pytest.mark.parametrize(
    "data",
    [
        pickle.dumps({"a": 1}),
        pickle.dumps([1, 2]),
        pickle.dumps({("example.com", ""): {"a": "not a morsel"}}),
        pickle.dumps({("example.com",): SimpleCookie()}),
        b"\x80\x05\x95",
        b"garbage that is neither",
    ],
)
def test_pickles_that_are_not_jars_raise_the_format_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "jar.pickle"
    path.write_bytes(data)
    jar = CookieJar(clock=lambda: NOW)
    jar.update_cookies({"kept": "1"})
    with pytest.raises(CookieFileFormatError):
        jar.load(path)
    assert [m.key for m in jar] == ["kept"]
