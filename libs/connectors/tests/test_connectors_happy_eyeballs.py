"""Happy eyeballs: every socket an attempt opens is closed unless it is returned (issue 15.8)."""

from __future__ import annotations

import asyncio
import collections.abc
import socket
import typing
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

import httpwire_connectors as hc
from httpwire_connectors import _happy_eyeballs

Attempt = Callable[[socket.socket, asyncio.Event], Awaitable[socket.socket]]


def addr(host: str) -> hc.ResolveResult:
    return hc.ResolveResult(
        hostname="h", host=host, port=80, family=socket.AF_INET, proto=0, flags=0
    )


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    """Sockets handed to the fake attempts; closed at the end if the code under test did not."""
    made: list[socket.socket] = []
    yield made
    for sock in made:
        sock.close()


def fake_attempts(
    monkeypatch: pytest.MonkeyPatch,
    sockets: list[socket.socket],
    behaviours: dict[str, Attempt],
) -> asyncio.Event:
    """Replace the per-address attempt by *behaviours* (by host), each given its own socket."""
    cleanup = asyncio.Event()

    async def attempt(
        loop: asyncio.AbstractEventLoop, address: hc.ResolveResult, *args: Any
    ) -> socket.socket:
        sock = socket.socket()
        sockets.append(sock)
        try:
            return await behaviours[address["host"]](sock, cleanup)
        except BaseException:
            sock.close()  # as the real attempt does
            raise

    monkeypatch.setattr(_happy_eyeballs, "_attempt", attempt)
    return cleanup


async def wins_at_once(sock: socket.socket, cleanup: asyncio.Event) -> socket.socket:
    await asyncio.sleep(0)
    return sock


async def slow_to_cancel(sock: socket.socket, cleanup: asyncio.Event) -> socket.socket:
    """Hangs; once cancelled, takes a while to finish (the loser being cleaned up)."""
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        cleanup.set()
        await asyncio.sleep(0.05)
        raise
    raise AssertionError("not reached")


async def connects_while_cancelled(sock: socket.socket, cleanup: asyncio.Event) -> socket.socket:
    """Hangs; once cancelled, connects anyway a little later (the race the issue names)."""
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        cleanup.set()
        await asyncio.sleep(0.05)
    return sock


async def open_then_cancel_during_cleanup(cleanup: asyncio.Event) -> None:
    task = asyncio.ensure_future(
        _happy_eyeballs.open_socket(
            [addr("10.0.0.1"), addr("10.0.0.2")], delay=0.001, interleave=None
        )
    )
    await asyncio.wait_for(cleanup.wait(), 2)
    # The winner is picked and the loser is being cancelled: now connect() is cancelled.
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_cancelled_while_the_losers_are_cleaned_up_closes_the_winner(
    monkeypatch: pytest.MonkeyPatch, sockets: list[socket.socket]
) -> None:
    # issue 15.8: cancelling connect() just as a winner was picked left its socket to the GC.
    cleanup = fake_attempts(
        monkeypatch, sockets, {"10.0.0.2": wins_at_once, "10.0.0.1": slow_to_cancel}
    )
    await open_then_cancel_during_cleanup(cleanup)
    winner, loser = sockets[1], sockets[0]
    assert winner.fileno() == -1
    await asyncio.sleep(0.1)  # the loser finishes its cancellation, closing its socket
    assert loser.fileno() == -1


async def test_a_loser_connecting_after_the_cancellation_is_closed(
    monkeypatch: pytest.MonkeyPatch, sockets: list[socket.socket]
) -> None:
    # issue 15.8: an attempt that connects after connect() stopped waiting for it is closed too.
    cleanup = fake_attempts(
        monkeypatch, sockets, {"10.0.0.2": wins_at_once, "10.0.0.1": connects_while_cancelled}
    )
    await open_then_cancel_during_cleanup(cleanup)
    await asyncio.sleep(0.1)  # the late attempt finishes
    assert all(sock.fileno() == -1 for sock in sockets)


async def test_a_loser_connecting_while_the_winner_is_returned_is_closed(
    monkeypatch: pytest.MonkeyPatch, sockets: list[socket.socket]
) -> None:
    # issue 15.8: without a cancellation the winner is returned open and the late loser closed.
    fake_attempts(
        monkeypatch, sockets, {"10.0.0.2": wins_at_once, "10.0.0.1": connects_while_cancelled}
    )
    sock = await _happy_eyeballs.open_socket(
        [addr("10.0.0.1"), addr("10.0.0.2")], delay=0.001, interleave=None
    )
    assert sock is sockets[1]
    assert sock.fileno() != -1
    assert sockets[0].fileno() == -1


async def test_a_fatal_error_closes_the_attempts_still_running(
    monkeypatch: pytest.MonkeyPatch, sockets: list[socket.socket]
) -> None:
    # issue 15.8: a non-OSError from one attempt (a faulty socket_factory) is raised at once, and
    # an attempt that still connects while being cancelled is closed.
    async def fails_badly(sock: socket.socket, cleanup: asyncio.Event) -> socket.socket:
        await asyncio.sleep(0.01)
        sock.close()
        raise TypeError("bad factory")

    fake_attempts(
        monkeypatch, sockets, {"10.0.0.1": fails_badly, "10.0.0.2": connects_while_cancelled}
    )
    with pytest.raises(TypeError, match="bad factory"):
        await _happy_eyeballs.open_socket(
            [addr("10.0.0.1"), addr("10.0.0.2")], delay=0.001, interleave=None
        )
    await asyncio.sleep(0.1)
    assert all(sock.fileno() == -1 for sock in sockets)


def test_the_socket_factory_aliases_describe_what_the_factory_gets() -> None:
    # aiohttp's AddrInfoType / SocketFactoryType: real aliases, usable at run time.
    info: hc.AddrInfoType = _happy_eyeballs.addr_info(addr("127.0.0.1"))
    assert info[0] == socket.AF_INET
    assert info[4] == ("127.0.0.1", 80)
    assert typing.get_origin(hc.SocketFactoryType) is collections.abc.Callable
    assert typing.get_args(hc.SocketFactoryType)[1] is socket.socket
    assert typing.get_origin(hc.AddrInfoType) is tuple
