"""UploadTracker: bytes handed to the kernel, attempts, and the outcome of the last attempt."""

from __future__ import annotations

import asyncio
import socket
import zlib
from collections.abc import AsyncIterator

import pytest

from httpwire import (
    ClientConnectionError,
    ClientConnectorError,
    ClientHandlerType,
    ClientRequest,
    ClientResponse,
    ClientSession,
    InvalidURL,
    NonHttpUrlClientError,
    UploadAbortedError,
    UploadTracker,
)

from .conftest import Received, Server, reply


@pytest.fixture
def echo_server(server: Server) -> Server:
    async def ok(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, str(len(req.body)))

    server.route("/up")(ok)
    return server


async def _post(server: Server, tracker: UploadTracker, data: object, **kwargs: object) -> str:
    async with (
        ClientSession() as session,
        session.post(
            server.url("/up"),
            data=data,
            upload_tracker=tracker,
            **kwargs,  # type: ignore[arg-type]
        ) as resp,
    ):
        assert resp.status == 200
        return await resp.text()


async def test_a_bytes_body_is_counted_whole_and_completes(echo_server: Server) -> None:
    tracker = UploadTracker()
    assert (tracker.attempts, tracker.bytes_written) == (0, 0)
    assert await _post(echo_server, tracker, b"x" * 5000) == "5000"
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.bytes_written == 5000
    assert tracker.attempts == 1


async def test_a_streamed_chunked_body_counts_body_bytes_not_framing(echo_server: Server) -> None:
    async def gen() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"y" * 1000

    tracker = UploadTracker()
    assert await _post(echo_server, tracker, gen()) == "10000"
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.bytes_written == 10000
    assert echo_server.requests[-1].headers["Transfer-Encoding"] == "chunked"


async def test_a_compressed_body_counts_the_bytes_before_compression(echo_server: Server) -> None:
    tracker = UploadTracker()
    body = b"compressible " * 4000
    sent = await _post(echo_server, tracker, body, compress="deflate")
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.bytes_written == len(body)
    assert int(sent) < len(body)
    assert zlib.decompress(echo_server.requests[-1].body) == body


async def test_a_request_without_body_completes_with_nothing_written(server: Server) -> None:
    server.answer("/", reply(200, b"hi"))
    tracker = UploadTracker()
    async with ClientSession() as session:
        async with session.get(server.url("/"), upload_tracker=tracker) as resp:
            assert await resp.read() == b"hi"
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert (tracker.attempts, tracker.bytes_written) == (1, 0)


async def test_a_307_resend_is_a_second_attempt(server: Server) -> None:
    server.answer("/old", reply(307, b"", {"Location": "/new"}))
    server.answer("/new", reply(200, b"ok"))
    tracker = UploadTracker()
    async with ClientSession() as session:
        async with session.post(server.url("/old"), data=b"z" * 300, upload_tracker=tracker) as r:
            assert r.status == 200
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.attempts == 2
    assert tracker.bytes_written == 300
    assert [r.body for r in server.requests] == [b"z" * 300, b"z" * 300]


async def test_a_303_that_turns_post_into_get_completes_on_its_bodyless_attempt(
    server: Server,
) -> None:
    server.answer("/old", reply(303, b"", {"Location": "/new"}))
    server.answer("/new", reply(200, b"ok"))
    tracker = UploadTracker()
    async with ClientSession() as session:
        async with session.post(server.url("/old"), data=b"q" * 10, upload_tracker=tracker) as r:
            assert r.status == 200
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert (tracker.attempts, tracker.bytes_written) == (2, 0)


async def test_each_handler_call_of_a_middleware_is_an_attempt(echo_server: Server) -> None:
    async def twice(request: ClientRequest, handler: ClientHandlerType) -> ClientResponse:
        first = await handler(request)
        first.release()
        return await handler(request)

    tracker = UploadTracker()
    async with ClientSession(middlewares=(twice,)) as session:
        async with session.post(
            echo_server.url("/up"), data=b"m" * 42, upload_tracker=tracker
        ) as resp:
            assert await resp.text() == "42"
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.attempts == 2
    assert len(echo_server.requests) == 2


async def test_progress_grows_while_a_slow_server_reads_and_ends_at_the_size() -> None:
    size = 16 * 1024 * 1024
    go = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await go.wait()
        await reader.readexactly(size)
        writer.write(reply(200, b"done"))
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    tracker = UploadTracker()

    async def gen() -> AsyncIterator[bytes]:
        piece = b"p" * 65536
        for _ in range(size // len(piece)):
            yield piece

    async with srv, ClientSession() as session:
        task = asyncio.ensure_future(
            session.post(f"http://127.0.0.1:{port}/", data=gen(), upload_tracker=tracker)
        )
        # The server reads nothing yet: the kernel buffers fill and the writer waits.
        seen = [tracker.bytes_written]
        for _ in range(20):
            await asyncio.sleep(0.01)
            seen.append(tracker.bytes_written)
        assert 0 < seen[-1] < size
        assert not tracker.upload_complete.done()
        go.set()
        while not task.done():
            seen.append(tracker.bytes_written)
            await asyncio.sleep(0.005)
        resp = await task
        assert await resp.read() == b"done"
        resp.release()
    await asyncio.wait_for(tracker.upload_complete, 1)
    assert seen == sorted(seen)
    assert tracker.bytes_written == size


async def test_a_refused_100_continue_aborts_the_upload() -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply(417, b"no", {"Connection": "close"}, reason="Expectation Failed"))
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    tracker = UploadTracker()
    async with srv, ClientSession() as session:
        async with session.post(
            f"http://127.0.0.1:{port}/", data=b"s" * 100, expect100=True, upload_tracker=tracker
        ) as resp:
            assert resp.status == 417
    with pytest.raises(UploadAbortedError):
        await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.bytes_written == 0


async def test_a_body_that_fails_mid_upload_settles_with_the_error(echo_server: Server) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"a" * 100
        raise RuntimeError("disk gone")

    tracker = UploadTracker()
    async with ClientSession() as session:
        with pytest.raises(ClientConnectionError):
            async with session.post(
                echo_server.url("/up"), data=broken(), upload_tracker=tracker
            ) as resp:
                await resp.read()
    with pytest.raises(ClientConnectionError, match="disk gone"):
        await asyncio.wait_for(tracker.upload_complete, 1)
    assert tracker.upload_complete.done()


async def test_a_connection_that_cannot_be_made_aborts_the_upload() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tracker = UploadTracker()
    async with ClientSession() as session:
        with pytest.raises(ClientConnectorError):
            await session.post(f"http://127.0.0.1:{port}/", data=b"x", upload_tracker=tracker)
    assert tracker.attempts == 1
    assert tracker.upload_complete.done()
    assert isinstance(tracker.upload_complete.exception(), UploadAbortedError)


async def test_a_tracker_follows_one_request_only(echo_server: Server) -> None:
    tracker = UploadTracker()
    await _post(echo_server, tracker, b"1")
    async with ClientSession() as session:
        with pytest.raises(RuntimeError, match="already bound"):
            await session.post(echo_server.url("/up"), data=b"2", upload_tracker=tracker)
    assert len(echo_server.requests) == 1


def test_a_tracker_needs_a_running_loop() -> None:
    with pytest.raises(RuntimeError):
        UploadTracker()


async def test_repr_shows_progress(echo_server: Server) -> None:
    tracker = UploadTracker()
    assert repr(tracker) == "<UploadTracker attempts=0 bytes_written=0 complete=False>"
    await _post(echo_server, tracker, b"r" * 7)
    await tracker.upload_complete
    assert repr(tracker) == "<UploadTracker attempts=1 bytes_written=7 complete=True>"


@pytest.mark.parametrize(
    ("url", "kwargs", "error"),
    [
        ("ftp://example.test/", {}, NonHttpUrlClientError),
        ("/up", {"data": b"x", "json": {}}, ValueError),
        ("/up", {"json": object()}, TypeError),
        ("/up", {"ssl": object()}, TypeError),
        ("/up", {"proxy": "http://[invalid"}, InvalidURL),
    ],
    ids=["non-http", "data-and-json", "unserializable-json", "bad-ssl", "bad-proxy"],
)
async def test_a_request_refused_before_any_attempt_settles_the_tracker(
    echo_server: Server, url: str, kwargs: dict[str, object], error: type[Exception]
) -> None:
    tracker = UploadTracker()
    target = url if "://" in url else str(echo_server.url(url))
    async with ClientSession() as session:
        with pytest.raises(error):
            await session.post(target, upload_tracker=tracker, **kwargs)  # type: ignore[arg-type]
    assert tracker.attempts == 0
    assert isinstance(tracker.upload_complete.exception(), UploadAbortedError)
    assert echo_server.connections == 0


async def test_a_closed_session_settles_the_tracker() -> None:
    session = ClientSession()
    await session.close()
    tracker = UploadTracker()
    with pytest.raises(RuntimeError, match="Session is closed"):
        await session.get("http://example.test/", upload_tracker=tracker)
    assert isinstance(tracker.upload_complete.exception(), UploadAbortedError)


async def test_cancelling_a_request_whose_body_generator_is_parked_aborts_the_upload(
    server: Server,
) -> None:
    @server.route("/slow")
    async def slow(req: Received, writer: asyncio.StreamWriter) -> bytes:
        return reply(200, b"never")

    first_sent = asyncio.Event()
    closed = asyncio.Event()

    async def parked() -> AsyncIterator[bytes]:
        try:
            yield b"a" * 100
            first_sent.set()
            await asyncio.Event().wait()  # parked until cancelled
            yield b"never"
        finally:
            closed.set()

    tracker = UploadTracker()
    async with ClientSession() as session:
        task = asyncio.create_task(
            session.post(server.url("/slow"), data=parked(), upload_tracker=tracker)
        )
        await first_sent.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        async with asyncio.timeout(5):
            with pytest.raises(UploadAbortedError):
                await tracker.upload_complete
            await closed.wait()  # the body writer stopped: the generator was closed
    assert tracker.attempts == 1
