"""The response-side exceptions: construction, text and pickling."""

from __future__ import annotations

import pickle

import pytest
from multidict import CIMultiDict
from yarl import URL

from httpwire import ClientResponseError, ContentTypeError, RequestInfo

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
