"""WebSocket echo end to end: round trips of 32-byte text and 1 MiB binary messages.

The echo server is ``websockets`` in its own process (:mod:`benchmarks._ws_server`), pinned to
another CPU than the clients where possible; each client sends one message and waits for its echo
before sending the next, so a figure is the round-trip cost of one message.

Both workloads run twice: without compression (against a server that offers none), then with
permessage-deflate (RFC 7692) against a second server started with ``--deflate``, each client
compressing with its own defaults. A client's row there fails unless the extension was really
negotiated; picows, which has no permessage-deflate, only appears in the uncompressed tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import traceback
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from benchmarks._harness import Impl, compare, note
from benchmarks._proc import CLIENT_CPU, pinned, start_server

__all__ = ["main"]

MIB = 1024 * 1024
TEXT = "0123456789abcdef" * 2
BINARY = bytes(range(256)) * (MIB // 256)
_MAX_MESSAGE = 4 * MIB
_WORKLOADS: list[tuple[str, str | bytes, int, str]] = [
    (f"{len(TEXT)}-byte text messages", TEXT, 50, "us"),
    ("1 MiB binary messages", BINARY, 2, "ms"),
]


class WsAdapter(Protocol):
    """One open WebSocket connection that can echo a message."""

    name: str
    #: Whether the client can negotiate permessage-deflate (else it sits out those tables).
    deflate: bool

    async def start(self, url: str, *, deflate: bool) -> None:
        """Connect; with ``deflate`` offer permessage-deflate and raise unless it was agreed."""

    async def echo(self, message: str | bytes) -> str | bytes: ...

    async def close(self) -> None: ...


def _check_negotiated(name: str, wanted: bool, negotiated: bool) -> None:
    if negotiated != wanted:
        state = "negotiated" if negotiated else "not negotiated"
        raise RuntimeError(f"{name}: permessage-deflate was {state} (wanted: {wanted})")


class AiohttpStyleWs:
    """``ClientSession.ws_connect``: aiohttp, and httpwire once its client exists.

    With deflate it passes ``compress=15`` (offer the extension, 15-bit window at most) and
    checks ``ws.compress``, the window bits agreed for our side (0: no extension).
    """

    deflate = True

    def __init__(self, name: str, module: ModuleType) -> None:
        self.name = name
        self.module = module
        self.session: Any = None
        self.ws: Any = None

    async def start(self, url: str, *, deflate: bool) -> None:
        self.session = self.module.ClientSession()
        self.ws = await self.session.ws_connect(
            url, max_msg_size=_MAX_MESSAGE, compress=15 if deflate else 0
        )
        _check_negotiated(self.name, deflate, bool(self.ws.compress))

    async def echo(self, message: str | bytes) -> str | bytes:
        if isinstance(message, str):
            await self.ws.send_str(message)
        else:
            await self.ws.send_bytes(message)
        reply = await self.ws.receive()
        data: str | bytes = reply.data
        return data

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()


class WebsocketsWs:
    """The ``websockets`` asyncio client (``compression="deflate"``: its defaults)."""

    name = "websockets"
    deflate = True

    def __init__(self) -> None:
        self.ws: Any = None

    async def start(self, url: str, *, deflate: bool) -> None:
        from websockets.asyncio.client import connect
        from websockets.extensions.permessage_deflate import PerMessageDeflate

        self.ws = await connect(
            url, max_size=_MAX_MESSAGE, compression="deflate" if deflate else None
        )
        agreed = any(isinstance(ext, PerMessageDeflate) for ext in self.ws.protocol.extensions)
        _check_negotiated(self.name, deflate, agreed)

    async def echo(self, message: str | bytes) -> str | bytes:
        await self.ws.send(message)
        reply: str | bytes = await self.ws.recv()
        return reply

    async def close(self) -> None:
        await self.ws.close()


class PicowsWs:
    """picows: a callback listener resolving a future when the echoed message is complete."""

    name = "picows"
    deflate = False

    def __init__(self) -> None:
        self.transport: Any = None
        self.listener: Any = None

    async def start(self, url: str, *, deflate: bool) -> None:
        import picows

        if deflate:
            raise RuntimeError("picows has no permessage-deflate")

        class Listener(picows.WSListener):  # type: ignore[misc]
            def __init__(self) -> None:
                self.parts: list[bytes] = []
                self.waiter: asyncio.Future[bytes] | None = None

            def on_ws_frame(self, transport: picows.WSTransport, frame: picows.WSFrame) -> None:
                kind = frame.msg_type
                if kind == picows.WSMsgType.PING:
                    transport.send_pong(frame.get_payload_as_bytes())
                    return
                if kind == picows.WSMsgType.CLOSE:
                    transport.disconnect()
                    return
                self.parts.append(frame.get_payload_as_bytes())
                if frame.fin and self.waiter is not None and not self.waiter.done():
                    data = b"".join(self.parts)
                    self.parts.clear()
                    self.waiter.set_result(data)

            def on_ws_disconnected(self, transport: picows.WSTransport) -> None:
                if self.waiter is not None and not self.waiter.done():
                    self.waiter.set_exception(ConnectionError("picows: disconnected"))

        self.transport, self.listener = await picows.ws_connect(
            Listener, url, max_frame_size=_MAX_MESSAGE
        )
        self._text = picows.WSMsgType.TEXT
        self._binary = picows.WSMsgType.BINARY
        self._normal_close = picows.WSCloseCode.OK

    async def echo(self, message: str | bytes) -> str | bytes:
        self.listener.waiter = asyncio.get_running_loop().create_future()
        if isinstance(message, str):
            self.transport.send(self._text, message.encode())
            text: bytes = await self.listener.waiter
            return text.decode()
        self.transport.send(self._binary, message)
        reply: bytes = await self.listener.waiter
        return reply

    async def close(self) -> None:
        self.transport.send_close(self._normal_close)
        self.transport.disconnect()
        await asyncio.wait_for(self.transport.wait_disconnected(), 5)


def _httpwire_ws_module() -> ModuleType | None:
    try:
        module = importlib.import_module("httpwire")
    except ImportError:
        return None
    session = getattr(module, "ClientSession", None)
    return module if session is not None and hasattr(session, "ws_connect") else None


def adapter_factories() -> dict[str, Callable[[], WsAdapter]]:
    """The WebSocket clients to run, httpwire first when its client has ``ws_connect``."""
    import aiohttp

    factories: dict[str, Callable[[], WsAdapter]] = {}
    httpwire = _httpwire_ws_module()
    if httpwire is not None:
        factories["httpwire"] = lambda: AiohttpStyleWs("httpwire", httpwire)
    factories["aiohttp"] = lambda: AiohttpStyleWs("aiohttp", aiohttp)
    factories["websockets"] = WebsocketsWs
    factories["picows"] = PicowsWs
    return factories


def _check_echoes(message: str | bytes, count: int) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert isinstance(result, list), f"expected a list of replies, got {type(result)}"
        assert len(result) == count, f"expected {count} echoes, got {len(result)}"
        for reply in result:
            assert type(reply) is type(message), f"echo came back as {type(reply).__name__}"
            assert reply == message, f"echo differs ({len(reply)} vs {len(message)} long)"

    return check


def _echo_call(
    loop: asyncio.AbstractEventLoop, adapter: WsAdapter, message: str | bytes, count: int
) -> Callable[[], object]:
    async def run() -> list[str | bytes]:
        return [await adapter.echo(message) for _ in range(count)]

    return lambda: loop.run_until_complete(run())


def _failing(exc: BaseException) -> Callable[[], object]:
    def fail() -> object:
        raise RuntimeError(f"could not connect: {type(exc).__name__}: {exc}")

    return fail


def _run_workloads(
    url: str, factories: dict[str, Callable[[], WsAdapter]], *, quick: bool, deflate: bool
) -> None:
    """Connect every client to ``url`` and run both workloads over those connections."""
    loop = asyncio.new_event_loop()
    adapters: dict[str, WsAdapter] = {}
    failures: dict[str, BaseException] = {}
    suffix = ", permessage-deflate" if deflate else ""
    try:
        for name, factory in factories.items():
            adapter = factory()
            try:
                loop.run_until_complete(asyncio.wait_for(adapter.start(url, deflate=deflate), 10))
            except Exception as exc:
                traceback.print_exc()
                failures[name] = exc
                # A refused negotiation leaves an open connection (or session) behind.
                with contextlib.suppress(Exception):
                    loop.run_until_complete(asyncio.wait_for(adapter.close(), 10))
                continue
            adapters[name] = adapter
        for workload, message, count, unit in _WORKLOADS:
            impls = []
            for name in factories:
                check = _check_echoes(message, count)
                if name in failures:
                    impls.append(Impl(name, _failing(failures[name]), check, count))
                else:
                    call = _echo_call(loop, adapters[name], message, count)
                    impls.append(Impl(name, call, check, count))
            compare(
                f"ws_echo: {workload}{suffix}, round trips",
                impls,
                quick=quick,
                baseline="httpwire",
                fallback_baselines=("aiohttp",),
                unit=unit,
            )
    finally:
        for adapter in adapters.values():
            try:
                loop.run_until_complete(asyncio.wait_for(adapter.close(), 10))
            except Exception:
                traceback.print_exc()
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


def main(quick: bool) -> None:
    factories = adapter_factories()
    if "httpwire" not in factories:
        note("httpwire.ClientSession.ws_connect does not exist yet: no httpwire row")
    # Each server is started before pinning: a pinned parent could not pin its child elsewhere.
    with start_server("_ws_server") as server, pinned(CLIENT_CPU) as is_pinned:
        note(f"websockets echo {server.describe()}; no compression")
        note(f"clients pinned to CPU {CLIENT_CPU}" if is_pinned else "clients not pinned")
        _run_workloads(server.url("/", scheme="ws"), factories, quick=quick, deflate=False)
    deflating = {name: make for name, make in factories.items() if make().deflate}
    with start_server("_ws_server", "--deflate") as server, pinned(CLIENT_CPU) as is_pinned:
        note(
            f"websockets echo {server.describe()}; permessage-deflate with websockets' defaults "
            "(12-bit windows both ways, level 6, memLevel 5, context takeover)"
        )
        note(
            "clients compress with their own defaults: httpwire and aiohttp level 1 "
            "(Z_BEST_SPEED; aiohttp moves messages over 16 KiB to a thread), websockets level 6 "
            "memLevel 5; picows has no permessage-deflate and sits these tables out"
        )
        note(f"clients pinned to CPU {CLIENT_CPU}" if is_pinned else "clients not pinned")
        _run_workloads(server.url("/", scheme="ws"), deflating, quick=quick, deflate=True)
