"""A fast fixed-response HTTP/1.1 server on raw asyncio Protocols, for the end-to-end areas.

Routes: ``GET /small`` answers a 32-byte text body; ``GET /bytes/<n>`` answers ``n`` bytes (large
bodies are streamed with flow control, so the server's memory stays flat); ``POST /upload``
consumes the request body (Content-Length or chunked) and answers its length in decimal. Every
response is keep-alive unless the request asks to close.

Run as ``python -m benchmarks._http_server``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import re

from benchmarks._proc import exit_on_stdin_eof, pin_current_process

__all__ = [
    "SMALL_BODY",
    "HttpServerProtocol",
    "body_block",
    "response_bytes",
    "response_head",
    "upload_response",
]

SMALL_BODY = b"Hello from the benchmark server!"
_PREBUILT_LIMIT = 8 * 1024 * 1024
_STREAM_BLOCK = 256 * 1024
_MAX_HEAD = 64 * 1024
_MAX_LIFETIME_S = 1800.0
_BYTES_PATH = re.compile(rb"/bytes/(\d{1,12})")
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


def response_head(length: int, content_type: bytes = b"application/octet-stream") -> bytes:
    """The status line and headers of a 200 response with a body of ``length`` bytes."""
    return b"HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n" % (
        content_type,
        length,
    )


@functools.cache
def body_block() -> bytes:
    """The block that ``/bytes/<n>`` bodies repeat."""
    return bytes(range(256)) * (_STREAM_BLOCK // 256)


def _body(length: int) -> bytes:
    block = body_block()
    whole, part = divmod(length, len(block))
    return block * whole + block[:part]


@functools.cache
def response_bytes(path: str) -> bytes:
    """The full response the server sends to ``GET path`` (for a body up to 8 MiB)."""
    if path == "/small":
        return response_head(len(SMALL_BODY), b"text/plain") + SMALL_BODY
    match = _BYTES_PATH.fullmatch(path.encode("ascii"))
    if match is None:
        return _NOT_FOUND
    length = int(match.group(1))
    if length > _PREBUILT_LIMIT:
        raise ValueError(f"{path}: bodies over {_PREBUILT_LIMIT} bytes are streamed")
    return response_head(length) + _body(length)


def upload_response(received: int) -> bytes:
    """The full response to a ``POST /upload`` whose body had ``received`` bytes."""
    body = b"%d" % received
    return response_head(len(body), b"text/plain") + body


class HttpServerProtocol(asyncio.Protocol):
    """One connection: parses request heads, consumes bodies, writes the fixed responses."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.body_left = 0
        self.body_count = 0
        self.chunked = False
        self.close_after = False
        self.streaming = False
        self.backlog = bytearray()
        self.resume: asyncio.Future[None] | None = None
        self.task: asyncio.Task[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        if self.task is not None:
            self.task.cancel()
        self.transport = None

    def pause_writing(self) -> None:
        self.resume = asyncio.get_running_loop().create_future()

    def resume_writing(self) -> None:
        if self.resume is not None and not self.resume.done():
            self.resume.set_result(None)
        self.resume = None

    def data_received(self, data: bytes) -> None:
        if self.streaming:
            self.backlog += data
        else:
            self.feed(data)

    def feed(self, data: bytes | bytearray) -> None:
        view = memoryview(data)
        while view.nbytes and self.transport is not None and not self.streaming:
            if self.body_left:
                taken = min(view.nbytes, self.body_left)
                self.body_left -= taken
                self.body_count += taken
                view = view[taken:]
                if not self.body_left:
                    self.finish_upload()
                continue
            self.buffer += view
            view = memoryview(b"")
            if self.chunked:
                view = self.feed_chunked()
                continue
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self.transport.close()
                return
            head = bytes(self.buffer[:end])
            view = memoryview(bytes(self.buffer[end + 4 :]))
            self.buffer.clear()
            self.handle_head(head)
        if self.streaming and view.nbytes:
            self.backlog += view

    def handle_head(self, head: bytes) -> None:
        assert self.transport is not None
        request_line, _, fields = head.partition(b"\r\n")
        parts = request_line.split(b" ")
        if len(parts) != 3:
            self.transport.close()
            return
        method, target = parts[0], parts[1].decode("latin-1")
        lowered = fields.lower()
        self.close_after = b"connection: close" in lowered
        if method == b"POST" or method == b"PUT":
            self.body_count = 0
            if b"transfer-encoding: chunked" in lowered:
                self.chunked = True
                return
            match = re.search(rb"content-length:\s*(\d+)", lowered)
            length = int(match.group(1)) if match else 0
            if length:
                self.body_left = length
            else:
                self.finish_upload()
            return
        match = _BYTES_PATH.fullmatch(target.encode("ascii", "replace"))
        if match is not None and int(match.group(1)) > _PREBUILT_LIMIT:
            self.streaming = True
            self.task = asyncio.get_running_loop().create_task(self.stream(int(match.group(1))))
            return
        self.transport.write(response_bytes(target))
        if self.close_after:
            self.transport.close()

    def feed_chunked(self) -> memoryview:
        """Consume chunked body bytes from the buffer; return what follows the body, if complete."""
        buffer = self.buffer
        while True:
            line_end = buffer.find(b"\r\n")
            if line_end < 0:
                return memoryview(b"")
            size = int(bytes(buffer[:line_end]).split(b";")[0], 16)
            if size == 0:
                rest = buffer[line_end + 2 :]
                if rest.startswith(b"\r\n"):
                    tail = rest[2:]
                else:
                    trailer_end = rest.find(b"\r\n\r\n")
                    if trailer_end < 0:
                        return memoryview(b"")
                    tail = rest[trailer_end + 4 :]
                self.buffer = bytearray()
                self.chunked = False
                self.finish_upload()
                return memoryview(bytes(tail))
            if len(buffer) < line_end + 2 + size + 2:
                return memoryview(b"")
            self.body_count += size
            del buffer[: line_end + 2 + size + 2]

    def finish_upload(self) -> None:
        assert self.transport is not None
        self.transport.write(upload_response(self.body_count))
        self.body_count = 0
        if self.close_after:
            self.transport.close()

    async def stream(self, length: int) -> None:
        """Write a body too large to prebuild, block by block, waiting while the client lags."""
        transport = self.transport
        assert transport is not None
        block = memoryview(body_block())
        transport.write(response_head(length))
        left = length
        while left and not transport.is_closing():
            if self.resume is not None:
                await self.resume
            size = min(left, block.nbytes)
            transport.write(block[:size])
            left -= size
        self.streaming = False
        self.task = None
        if self.close_after:
            transport.close()
        elif self.backlog:
            pending = bytes(self.backlog)
            self.backlog.clear()
            self.feed(pending)


async def serve() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(HttpServerProtocol, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    stop: asyncio.Future[None] = loop.create_future()
    exit_on_stdin_eof(loop, stop)
    print(f"PORT {port}", flush=True)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop, _MAX_LIFETIME_S)
    finally:
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, default=None)
    args = parser.parse_args()
    pin_current_process(args.cpu)
    asyncio.run(serve())


if __name__ == "__main__":
    main()
