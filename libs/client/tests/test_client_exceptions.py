"""The response-side exceptions: construction, text and pickling."""

from __future__ import annotations

import pickle

import pytest
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from httpwire import (
    ClientResponseError,
    ClientSession,
    ContentTypeError,
    RequestInfo,
    TooManyRedirects,
)

from .conftest import Server, reply

# A proxy of headers cannot be pickled (multidict), so the pickled info holds a plain one.
INFO = RequestInfo(
    URL("http://example.test/a"),
    "GET",
    CIMultiDict(),  # type: ignore[arg-type]
    URL("http://example.test/a"),
)


@pytest.mark.parametrize("cls", [ClientResponseError, ContentTypeError])
@pytest.mark.parametrize("proto", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_keeps_the_fields_and_attributes_set_later(
    cls: type[ClientResponseError], proto: int
) -> None:
    err = cls(INFO, (), status=404, message="Not Found", headers=CIMultiDict(X="1"))
    err.hint = "set after construction"  # type: ignore[attr-defined]
    copy = pickle.loads(pickle.dumps(err, proto))
    assert type(copy) is cls
    assert (copy.request_info, copy.history, copy.status, copy.message) == (
        INFO,
        (),
        404,
        "Not Found",
    )
    assert copy.headers is not None
    assert copy.headers.get("x") == "1"
    assert copy.hint == "set after construction"  # type: ignore[attr-defined]
    assert str(copy) == str(err) == "404, message='Not Found', url='http://example.test/a'"


def test_history_none_is_an_empty_history() -> None:
    err = ClientResponseError(INFO, None, status=400)  # type: ignore[arg-type]
    assert err.history == ()
    assert err.status == 400
    assert repr(err) == f"ClientResponseError({INFO!r}, (), status=400)"


def test_code_is_a_deprecated_alias_of_status() -> None:
    with pytest.warns(DeprecationWarning, match="code argument is deprecated"):
        err = ClientResponseError(INFO, (), code=418)
    assert err.status == 418
    with pytest.raises(ValueError, match="Both code and status"):
        ClientResponseError(INFO, (), code=418, status=418)


@pytest.mark.parametrize("proto", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickling_works_with_the_read_only_headers_a_response_has(proto: int) -> None:
    # aiohttp cannot pickle these: a CIMultiDictProxy refuses pickling.
    info = RequestInfo(
        URL("http://example.test/a"),
        "GET",
        CIMultiDictProxy(CIMultiDict(Accept="*/*")),
        URL("http://example.test/a#f"),
    )
    copy_info = pickle.loads(pickle.dumps(info, proto))
    assert type(copy_info) is RequestInfo
    assert copy_info == info
    assert type(copy_info.headers) is CIMultiDictProxy
    headers = CIMultiDictProxy(CIMultiDict([("X", "1"), ("x", "2")]))
    err = TooManyRedirects(info, ("kept",), status=302, headers=headers)
    copy = pickle.loads(pickle.dumps(err, proto))
    assert type(copy) is TooManyRedirects
    assert copy.request_info == info
    assert type(copy.headers) is CIMultiDictProxy
    assert copy.headers.getall("x") == ["1", "2"]
    assert copy.history == ("kept",)
    plain = ClientResponseError(INFO, (), headers=CIMultiDict(X="1"))
    assert type(pickle.loads(pickle.dumps(plain, proto)).headers) is CIMultiDict


async def test_pickling_leaves_the_history_responses_behind(server: Server) -> None:
    server.answer("/r", reply(302, b"", {"Location": "/r"}))
    async with ClientSession() as session:
        with pytest.raises(TooManyRedirects) as info:
            await session.get(server.url("/r"), max_redirects=2)
    err = info.value
    assert len(err.history) == 2
    copy = pickle.loads(pickle.dumps(err))
    assert copy.history == ()
    assert copy.request_info.url == server.url("/r")
    assert copy.headers is None or copy.headers == err.headers
