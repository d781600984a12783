"""The total-timeout machinery: TimerContext, deadlines shared by a session, ceil_deadline."""

from __future__ import annotations

import asyncio

import pytest

from httpwire import ClientResponse, ClientSession, ClientTimeout
from httpwire._timeout import SharedDeadlines, TimerContext, ceil_deadline

from .conftest import Received, Server, reply


def test_ceil_deadline_rounds_up_past_the_threshold_only() -> None:
    loop = asyncio.new_event_loop()
    try:
        now = loop.time()
        late = ceil_deadline(loop, 10, 5)
        assert late == float(int(late))
        assert now + 10 <= late <= now + 11.01
        soon = ceil_deadline(loop, 2, 5)
        assert now + 2 <= soon < now + 2.5
    finally:
        loop.close()


async def test_timers_with_one_deadline_share_one_loop_timer() -> None:
    loop = asyncio.get_running_loop()
    shared = SharedDeadlines(loop)
    when = float(int(loop.time()) + 100)
    scheduled = len(loop._scheduled)  # type: ignore[attr-defined]
    timers = [TimerContext(loop) for _ in range(5)]
    for timer in timers:
        timer.start(when, shared)
    assert len(shared) == 1
    assert len(loop._scheduled) == scheduled + 1  # type: ignore[attr-defined]
    other = TimerContext(loop)
    other.start(when + 1, shared)
    assert len(shared) == 2
    for timer in (*timers, other):
        timer.cancel()
        timer.cancel()  # twice is harmless


async def test_a_shared_deadline_cancels_only_the_waits_still_inside() -> None:
    loop = asyncio.get_running_loop()
    shared = SharedDeadlines(loop)
    when = loop.time() + 0.05
    waiting, finished = TimerContext(loop), TimerContext(loop)
    waiting.start(when, shared)
    finished.start(when, shared)
    finished.cancel()

    async def wait_inside(timer: TimerContext) -> None:
        with timer:
            await asyncio.sleep(5)

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(wait_inside(waiting), 2)
    assert waiting.timed_out
    assert not finished.timed_out
    assert len(shared) == 0
    with pytest.raises(TimeoutError), waiting:
        pass  # after the deadline, entering fails at once


async def test_an_outer_cancel_stays_a_cancel_with_a_shared_deadline() -> None:
    loop = asyncio.get_running_loop()
    shared = SharedDeadlines(loop)
    timer = TimerContext(loop)
    timer.start(float(int(loop.time()) + 100), shared)

    async def wait_inside() -> None:
        with timer:
            await asyncio.sleep(5)

    task = asyncio.create_task(wait_inside())
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    timer.cancel()
    assert not timer.timed_out


async def test_session_requests_share_deadlines_and_still_time_out(server: Server) -> None:
    async def stall(req: Received, writer: asyncio.StreamWriter) -> bytes:
        await asyncio.sleep(5)
        return reply(200)

    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.routes["/stall"] = stall
    server.routes["/ok"] = ok
    # total > ceil_threshold: the deadline is rounded up to a whole second and shared.
    timeout = ClientTimeout(total=0.2, ceil_threshold=0.1)
    async with ClientSession(timeout=timeout) as session:
        for _ in range(3):
            async with session.get(server.url("/ok")) as resp:
                assert await resp.read() == b"ok"
        assert len(session._deadlines) == 1
        started = asyncio.get_running_loop().time()
        with pytest.raises(asyncio.TimeoutError, match=r"total timeout \(0\.2 s\) passed"):
            await session.get(server.url("/stall"))
        assert asyncio.get_running_loop().time() - started < 2
    # total <= ceil_threshold: the request has a timer of its own.
    async with ClientSession(timeout=ClientTimeout(total=0.2)) as session:
        async with session.get(server.url("/ok")) as resp:
            await resp.read()
        assert len(session._deadlines) == 0


@pytest.mark.parametrize("how", ["iter_chunked", "read", "readline", "readchunk"])
async def test_the_total_timeout_ends_a_read_that_never_has_to_wait(
    server: Server, how: str
) -> None:
    # The server keeps the buffer full, so no read waits for data; the deadline must still end it.
    @server.route("/endless")
    async def endless(req: Received, writer: asyncio.StreamWriter) -> bytes:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        while True:
            writer.write(b"400\r\n" + b"1\n" * 512 + b"\r\n")
            await writer.drain()
            await asyncio.sleep(0.005)

    async def consume(resp: ClientResponse) -> None:
        while True:
            if how == "iter_chunked":
                async for _ in resp.content.iter_chunked(1):
                    await asyncio.sleep(0.01)
            elif how == "read":
                await resp.content.read(1)
            elif how == "readline":
                await resp.content.readline()
            else:
                await resp.content.readchunk()
            await asyncio.sleep(0.01)

    async with ClientSession() as session:
        resp = await session.get(server.url("/endless"), timeout=ClientTimeout(total=0.3))
        async with asyncio.timeout(3):  # a failure here must not hang the suite
            with pytest.raises(TimeoutError, match=r"^The request's total timeout \(0\.3 s\)"):
                await consume(resp)
        resp.close()


@pytest.mark.parametrize(
    "timeout",
    [
        ClientTimeout(total=0),
        ClientTimeout(total=10, connect=0, sock_connect=0, sock_read=0),
    ],
)
async def test_a_zero_timeout_means_no_limit(server: Server, timeout: ClientTimeout) -> None:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"ok")

    server.routes["/ok"] = ok
    async with ClientSession(timeout=timeout) as session, session.get(server.url("/ok")) as resp:
        assert await resp.read() == b"ok"
    async with ClientSession() as session, session.get(server.url("/ok"), timeout=timeout) as resp:
        assert await resp.read() == b"ok"
