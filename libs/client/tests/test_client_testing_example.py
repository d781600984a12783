"""The example of the "Testing your code" guide page, run as a test (the page includes it)."""

from __future__ import annotations

import pytest

import httpwire
from httpwire.testing import MockRequest, MockResponse, MockRouter


# -- code under test
async def fetch_username(session: httpwire.ClientSession, user_id: int) -> str:
    """What an application might do: one call to an API, with errors raised."""
    async with session.get(f"https://api.example/users/{user_id}", raise_for_status=True) as resp:
        data = await resp.json()
    return str(data["name"])


# -- its tests
async def test_fetch_username(httpwire_mock: MockRouter) -> None:
    httpwire_mock.get("https://api.example/users/1", json={"name": "ada"})
    async with httpwire.ClientSession(connector=httpwire_mock.connector()) as session:
        assert await fetch_username(session, 1) == "ada"
    [request] = httpwire_mock.calls
    assert request.headers["Accept"] == "*/*"


async def test_fetch_username_not_found(httpwire_mock: MockRouter) -> None:
    @httpwire_mock.route("GET", "https://api.example/users/2")
    def missing(request: MockRequest) -> MockResponse:
        return MockResponse(status=404, json={"error": f"no user at {request.url.path}"})

    async with httpwire.ClientSession(connector=httpwire_mock.connector()) as session:
        with pytest.raises(httpwire.ClientResponseError) as info:
            await fetch_username(session, 2)
    assert info.value.status == 404


async def test_without_the_fixture() -> None:
    router = MockRouter()  # what the fixture gives, for code that does not use pytest
    router.get("https://api.example/users/3", json={"name": "grace"})
    async with httpwire.ClientSession(connector=router.connector()) as session:
        assert await fetch_username(session, 3) == "grace"
