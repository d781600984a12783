"""BasicAuth, encode_basic_auth and aiohttp 3.14's deprecation of the auth API."""

from __future__ import annotations

import asyncio
import warnings
from pathlib import Path

import pytest
from yarl import URL

from httpwire import BasicAuth, ClientConnectorError, ClientSession, encode_basic_auth

from .conftest import Received, Server, reply

BASIC_AUTH_WARNING = "BasicAuth is deprecated and will be removed in aiohttp 4.0"
AUTH_WARNING = r"The 'auth' parameter is deprecated and will be removed in v4"
PROXY_AUTH_WARNING = r"The 'proxy_auth' parameter is deprecated and will be removed in v4"


async def authorization(req: Received, writer: asyncio.StreamWriter) -> bytes:
    """Answer with the Authorization header received (or ``-``)."""
    return reply(200, req.headers.get("Authorization", "-"))


@pytest.fixture
def auth_server(server: Server) -> Server:
    server.routes["/auth"] = authorization
    return server


def _legacy(login: str, password: str = "", encoding: str = "latin1") -> BasicAuth:
    with pytest.warns(DeprecationWarning, match=BASIC_AUTH_WARNING):
        return BasicAuth(login, password, encoding)


def test_encode_basic_auth_defaults_to_utf8() -> None:
    assert encode_basic_auth("ada", "s3cret") == "Basic YWRhOnMzY3JldA=="
    assert encode_basic_auth("zoë", "pä") == "Basic em/Dqzpww6Q="
    assert encode_basic_auth("zoë", "pä", "latin1") == "Basic em/rOnDk"
    assert encode_basic_auth("ada") == "Basic YWRhOg=="


def test_encode_basic_auth_refuses_a_colon_in_the_login() -> None:
    with pytest.raises(ValueError, match="RFC 7617"):
        encode_basic_auth("a:b", "c")


def test_basic_auth_warns_at_the_callers_line() -> None:
    with pytest.warns(DeprecationWarning, match=BASIC_AUTH_WARNING) as record:
        auth = BasicAuth("ada", "s3cret")
    assert record[0].filename == __file__
    assert auth == ("ada", "s3cret", "latin1")
    assert auth.encode() == "Basic YWRhOnMzY3JldA=="


def test_basic_auth_bad_input_raises_before_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match="RFC 1945"):
            BasicAuth("a:b")
        with pytest.raises(ValueError, match="None"):
            BasicAuth(None)  # type: ignore[arg-type]


def test_decode_and_from_url_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decoded = BasicAuth.decode("Basic YWRhOnMzY3JldA==")
        from_url = BasicAuth.from_url(URL("http://ada:s3cret@h.test/"))
    assert decoded == from_url == _legacy("ada", "s3cret")
    assert type(decoded) is BasicAuth


async def test_session_auth_warns_and_still_works(auth_server: Server) -> None:
    auth = _legacy("ada", "s3cret")
    with pytest.warns(DeprecationWarning, match=AUTH_WARNING) as record:
        session = ClientSession(auth=auth)
    assert record[0].filename == __file__
    async with session, session.get(auth_server.url("/auth")) as resp:
        assert await resp.text() == "Basic YWRhOnMzY3JldA=="


async def test_session_proxy_auth_warns() -> None:
    with pytest.warns(DeprecationWarning, match=PROXY_AUTH_WARNING):
        session = ClientSession(proxy_auth=_legacy("p", "q"))
    await session.close()


async def test_request_auth_warns_once_and_still_works(auth_server: Server) -> None:
    auth = _legacy("ada", "s3cret")
    async with ClientSession() as session:
        with pytest.warns(DeprecationWarning, match=AUTH_WARNING) as record:
            async with session.get(auth_server.url("/auth"), auth=auth) as resp:
                assert await resp.text() == "Basic YWRhOnMzY3JldA=="
    assert len(record) == 1


async def test_request_proxy_auth_warns(auth_server: Server) -> None:
    async with ClientSession() as session:
        with pytest.warns(DeprecationWarning, match=PROXY_AUTH_WARNING):
            # No proxy is given, so proxy_auth has no effect beyond the warning.
            async with session.get(auth_server.url("/auth"), proxy_auth=_legacy("p")) as resp:
                assert await resp.text() == "-"


async def test_ws_connect_auth_warns_once() -> None:
    async with ClientSession() as session:
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            cm = session.ws_connect("http://127.0.0.1:1/", auth=_legacy("ada"))
            # Nothing listens on port 1; the handshake's own request must not warn again.
            with pytest.raises(ClientConnectorError):
                await cm
    assert [(w.category, w.filename) for w in record] == [(DeprecationWarning, __file__)]
    assert str(record[0].message).startswith(AUTH_WARNING)


async def test_the_recommended_header_and_url_credentials_do_not_warn(
    auth_server: Server,
) -> None:
    url = auth_server.url("/auth")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        async with ClientSession() as session:
            headers = {"Authorization": encode_basic_auth("ada", "s3cret")}
            async with session.get(url, headers=headers) as resp:
                assert await resp.text() == "Basic YWRhOnMzY3JldA=="
            with_creds = URL(str(url)).with_user("ada").with_password("s3cret")
            async with session.get(with_creds) as resp:
                assert await resp.text() == "Basic YWRhOnMzY3JldA=="


def test_netrc_credentials_do_not_warn(tmp_path: Path) -> None:
    from httpwire._env_proxy import netrc_auth

    path = tmp_path / "netrc"
    path.write_text("machine api.example login ana password s3cret\n")
    path.chmod(0o600)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = netrc_auth("api.example", {"NETRC": str(path)})
    assert found is not None
    assert found.encode() == "Basic YW5hOnMzY3JldA=="


async def test_netrc_is_read_off_the_event_loop(
    auth_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    import httpwire._session as session_module

    path = tmp_path / "netrc"
    path.write_text("machine 127.0.0.1 login ana password s3cret\n")
    path.chmod(0o600)
    monkeypatch.setenv("NETRC", str(path))
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    readers: list[threading.Thread] = []
    real = session_module.netrc_auth

    def recording(host: str) -> BasicAuth | None:
        readers.append(threading.current_thread())
        return real(host)

    monkeypatch.setattr(session_module, "netrc_auth", recording)
    async with ClientSession(trust_env=True) as session:
        async with session.get(auth_server.url("/auth")) as resp:
            assert await resp.text() == "Basic YW5hOnMzY3JldA=="
    assert readers
    assert threading.main_thread() not in readers
