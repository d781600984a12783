"""HTTP client adapters: one small class per peer, all with the same four coroutines.

Every adapter keeps one client (session, pool) open between ``start`` and ``close`` and talks to the
server of :mod:`benchmarks._http_server`. Pools are sized for 64 concurrent requests and never
recycle connections, so the figures measure the clients rather than their reconnect policies.

httpwire's row needs no code of its own: its public API is aiohttp's, so the aiohttp adapter runs it
as soon as ``httpwire.ClientSession`` exists (see :func:`adapter_factories`).
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from benchmarks._http_server import response_bytes, response_head, upload_response

__all__ = [
    "POOL_SIZE",
    "ClientAdapter",
    "FloorClient",
    "adapter_factories",
    "make_adapter",
]

#: Connections each pool may hold: more than the 64 concurrent requests of the client area.
POOL_SIZE = 128
_STREAM_CHUNK = 64 * 1024


class ClientAdapter(Protocol):
    """What the client and memory areas need from a client."""

    name: str

    async def start(self, base_url: str) -> None: ...

    async def get(self, path: str) -> int:
        """GET ``path`` and read the whole body; return its length."""
        ...

    async def upload(self, path: str, data: bytes) -> bytes:
        """POST ``data`` to ``path``; return the response body."""
        ...

    async def stream(self, path: str) -> int:
        """GET ``path`` reading the body chunk by chunk without keeping it; return its length."""
        ...

    async def close(self) -> None: ...


class AiohttpStyleClient:
    """aiohttp's ClientSession API: aiohttp itself, and httpwire, which implements the same API."""

    def __init__(self, name: str, module: ModuleType) -> None:
        self.name = name
        self.module = module
        self.session: Any = None
        self.base = ""

    async def start(self, base_url: str) -> None:
        connector = self.module.TCPConnector(limit=POOL_SIZE)
        self.session = self.module.ClientSession(connector=connector)
        self.base = base_url

    async def get(self, path: str) -> int:
        async with self.session.get(self.base + path) as response:
            return len(await response.read())

    async def upload(self, path: str, data: bytes) -> bytes:
        async with self.session.post(self.base + path, data=data) as response:
            body: bytes = await response.read()
            return body

    async def upload_form(self, path: str, fields: dict[str, str], file: bytes) -> bytes:
        """POST a multipart form: the text ``fields`` and one file part."""
        form = self.module.FormData()
        for name, value in fields.items():
            form.add_field(name, value)
        form.add_field("file", file, filename="data.bin", content_type="application/octet-stream")
        async with self.session.post(self.base + path, data=form) as response:
            body: bytes = await response.read()
            return body

    async def upload_file(self, path: str, file_path: str) -> bytes:
        """POST an open binary file as the body (its size gives the Content-Length)."""
        with open(file_path, "rb") as file:
            async with self.session.post(self.base + path, data=file) as response:
                body: bytes = await response.read()
                return body

    async def stream(self, path: str) -> int:
        total = 0
        async with self.session.get(self.base + path) as response:
            async for chunk in response.content.iter_chunked(_STREAM_CHUNK):
                total += len(chunk)
        return total

    async def close(self) -> None:
        await self.session.close()


class HttpxClient:
    """httpx.AsyncClient."""

    name = "httpx"

    def __init__(self) -> None:
        self.client: Any = None

    async def start(self, base_url: str) -> None:
        import httpx

        limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
        self.client = httpx.AsyncClient(base_url=base_url, limits=limits)

    async def get(self, path: str) -> int:
        response = await self.client.get(path)
        return len(response.content)

    async def upload(self, path: str, data: bytes) -> bytes:
        response = await self.client.post(path, content=data)
        body: bytes = response.content
        return body

    async def upload_form(self, path: str, fields: dict[str, str], file: bytes) -> bytes:
        """POST a multipart form: the text ``fields`` and one file part."""
        files = {"file": ("data.bin", file, "application/octet-stream")}
        response = await self.client.post(path, data=fields, files=files)
        body: bytes = response.content
        return body

    async def stream(self, path: str) -> int:
        total = 0
        async with self.client.stream("GET", path) as response:
            async for chunk in response.aiter_raw(_STREAM_CHUNK):
                total += len(chunk)
        return total

    async def close(self) -> None:
        await self.client.aclose()


class PyreqwestClient:
    """pyreqwest's asyncio client (Rust reqwest on its own tokio runtime)."""

    name = "pyreqwest"

    def __init__(self) -> None:
        self.client: Any = None
        self.base = ""

    async def start(self, base_url: str) -> None:
        from pyreqwest.client import ClientBuilder

        self.client = ClientBuilder().error_for_status(True).build()
        self.base = base_url

    async def get(self, path: str) -> int:
        response = await self.client.get(self.base + path).build().send()
        return len(await response.bytes())

    async def upload(self, path: str, data: bytes) -> bytes:
        response = await self.client.post(self.base + path).body_bytes(data).build().send()
        return bytes(await response.bytes())

    async def stream(self, path: str) -> int:
        total = 0
        async with self.client.get(self.base + path).build_streamed() as response:
            reader = response.body_reader
            while (chunk := await reader.read_chunk()) is not None:
                total += len(chunk)
        return total

    async def close(self) -> None:
        await self.client.close()


class AiosonicClient:
    """aiosonic.HTTPClient."""

    name = "aiosonic"

    def __init__(self) -> None:
        self.client: Any = None
        self.base = ""

    async def start(self, base_url: str) -> None:
        import aiosonic
        from aiosonic.pools import PoolConfig

        pool = PoolConfig(size=POOL_SIZE, max_conn_requests=None)
        connector = aiosonic.TCPConnector(pool_configs={":default": pool})
        self.client = aiosonic.HTTPClient(connector=connector)
        self.base = base_url

    async def get(self, path: str) -> int:
        response = await self.client.get(self.base + path)
        return len(await response.content())

    async def upload(self, path: str, data: bytes) -> bytes:
        response = await self.client.post(self.base + path, data=data)
        body: bytes = await response.content()
        return body

    async def stream(self, path: str) -> int:
        total = 0
        async with self.client.stream("GET", self.base + path) as response:
            async for chunk in response.read_chunks():
                total += len(chunk)
        return total

    async def close(self) -> None:
        await self.client.connector.cleanup()


class _FloorConnection(asyncio.Protocol):
    """Counts response bytes until the expected total has arrived; keeps only the last chunk."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.expected = 0
        self.received = 0
        self.tail = b""
        self.done: asyncio.Future[None] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received += len(data)
        self.tail = data
        if self.received >= self.expected and self.done is not None and not self.done.done():
            self.done.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.done is not None and not self.done.done():
            self.done.set_exception(exc or ConnectionError("server closed the connection"))

    async def exchange(self, request: bytes, expected: int) -> bytes:
        """Write ``request``; wait for ``expected`` response bytes; return the last chunk read."""
        assert self.transport is not None
        self.expected = expected
        self.received = 0
        self.done = asyncio.get_running_loop().create_future()
        self.transport.write(request)
        await self.done
        if self.received != expected:
            raise AssertionError(f"expected {expected} response bytes, got {self.received}")
        return self.tail


class FloorClient:
    """The floor: raw asyncio Protocol connections writing pre-built requests, counting bytes.

    It knows each response's exact size in advance (the server's responses are fixed), so it
    parses nothing; no real client can do less work per request.
    """

    name = "floor"

    def __init__(self) -> None:
        self.host = ""
        self.port = 0
        self.idle: list[_FloorConnection] = []
        self.all: list[_FloorConnection] = []
        self.requests: dict[tuple[str, int], bytes] = {}
        self.files: dict[str, bytes] = {}

    async def start(self, base_url: str) -> None:
        host_port = base_url.split("://", 1)[1].rstrip("/")
        host, _, port = host_port.rpartition(":")
        self.host, self.port = host, int(port)

    async def _acquire(self) -> _FloorConnection:
        if self.idle:
            return self.idle.pop()
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(_FloorConnection, self.host, self.port)
        self.all.append(connection)
        return connection

    def _request(self, method: str, path: str, data: bytes = b"") -> bytes:
        key = (f"{method} {path}", len(data))
        request = self.requests.get(key)
        if request is None:
            head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            if method == "POST":
                head += f"Content-Length: {len(data)}\r\n"
            request = (head + "\r\n").encode("ascii") + data
            self.requests[key] = request
        return request

    async def get(self, path: str) -> int:
        expected = response_bytes(path)
        connection = await self._acquire()
        await connection.exchange(self._request("GET", path), len(expected))
        self.idle.append(connection)
        return len(expected) - expected.index(b"\r\n\r\n") - 4

    async def upload_file(self, path: str, file_path: str) -> bytes:
        """The floor of a file upload: the same bytes, sent from memory (no file is read)."""
        data = self.files.get(file_path)
        if data is None:
            with open(file_path, "rb") as file:
                data = self.files[file_path] = file.read()
        return await self.upload(path, data)

    async def upload(self, path: str, data: bytes) -> bytes:
        expected = upload_response(len(data))
        body = expected[expected.index(b"\r\n\r\n") + 4 :]
        connection = await self._acquire()
        tail = await connection.exchange(self._request("POST", path, data), len(expected))
        self.idle.append(connection)
        return tail[-len(body) :] if len(tail) >= len(body) else tail

    async def stream(self, path: str) -> int:
        length = int(path.rsplit("/", 1)[1])
        connection = await self._acquire()
        await connection.exchange(self._request("GET", path), len(response_head(length)) + length)
        self.idle.append(connection)
        return length

    async def close(self) -> None:
        for connection in self.all:
            if connection.transport is not None:
                connection.transport.close()
        self.all.clear()
        self.idle.clear()
        await asyncio.sleep(0)


def _httpwire_client_module() -> ModuleType | None:
    try:
        module = importlib.import_module("httpwire")
    except ImportError:
        return None
    if hasattr(module, "ClientSession") and hasattr(module, "TCPConnector"):
        return module
    return None


def adapter_factories(*, include_httpwire: bool = True) -> dict[str, Callable[[], ClientAdapter]]:
    """The adapters to run, httpwire first when its client exists, the floor last.

    Nothing is imported until a factory is called, so a process running one adapter (the memory
    area's children) holds only that client's modules.
    """
    factories: dict[str, Callable[[], ClientAdapter]] = {}
    if include_httpwire and _httpwire_client_module() is not None:
        factories["httpwire"] = lambda: AiohttpStyleClient(
            "httpwire", importlib.import_module("httpwire")
        )
    factories["aiohttp"] = lambda: AiohttpStyleClient("aiohttp", importlib.import_module("aiohttp"))
    factories["httpx"] = HttpxClient
    factories["pyreqwest"] = PyreqwestClient
    factories["aiosonic"] = AiosonicClient
    factories["floor"] = FloorClient
    return factories


def make_adapter(name: str) -> ClientAdapter:
    """One adapter by name, importing only its own client library."""
    factories = adapter_factories(include_httpwire=False)
    if name == "httpwire":
        return AiohttpStyleClient("httpwire", importlib.import_module("httpwire"))
    return factories[name]()
