"""Test helpers for code that uses the connectors (public, imported as a submodule).

- :class:`FakeResolver` answers from a table, counts look-ups and can hold them back;
- :class:`MockTransport` records writes and closes, no socket involved;
- :class:`MockConnector` hands out :class:`MockTransport` connections, so pool behaviour can be
  tested without a network;
- :class:`FakeRequest`, :class:`FakeTimeout` and :class:`RecordingTrace` satisfy the request,
  timeout and trace interfaces of :meth:`BaseConnector.connect`.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from yarl import URL

from ._connector import BaseConnector
from ._interfaces import ConnectionKey, ConnectionProtocol, ResolveResult, TimeoutLike, TraceLike
from ._resolver import AbstractResolver
from ._ssl import SSLSetting, normalize_ssl

__all__ = [
    "FakeRequest",
    "FakeResolver",
    "FakeTimeout",
    "MockConnector",
    "MockTransport",
    "RecordingTrace",
]

_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class FakeRequest:
    """A request-like object for :meth:`BaseConnector.connect`, built from a URL.

    ``ssl`` follows aiohttp's request semantics (``True``: the connector's setting).
    """

    def __init__(
        self,
        url: str | URL,
        *,
        ssl: SSLSetting | None = True,
        server_hostname: str | None = None,
        proxy: str | URL | None = None,
        proxy_auth: Any = None,
        proxy_headers: Mapping[str, str] | None = None,
    ) -> None:
        self.url = URL(url)
        if self.url.raw_host is None:
            raise ValueError(f"{url!r} has no host")
        self.ssl: SSLSetting = normalize_ssl(ssl)
        self.server_hostname = server_hostname
        self.proxy = URL(proxy) if proxy is not None else None
        self.proxy_auth = proxy_auth
        self.proxy_headers = dict(proxy_headers) if proxy_headers is not None else None

    @property
    def host(self) -> str:
        """The URL's host (IPv6 without brackets)."""
        host = self.url.raw_host
        assert host is not None
        return host

    @property
    def port(self) -> int | None:
        """The URL's port, explicit or the scheme's default."""
        return self.url.port

    def is_ssl(self) -> bool:
        """Whether the scheme uses TLS."""
        return self.url.scheme in ("https", "wss")

    @property
    def connection_key(self) -> ConnectionKey:
        """The pool key, built as aiohttp builds it."""
        headers_hash = (
            hash(tuple(sorted(self.proxy_headers.items()))) if self.proxy_headers else None
        )
        return ConnectionKey(
            self.host,
            self.port,
            self.is_ssl(),
            self.ssl,
            self.proxy,
            self.proxy_auth,
            headers_hash,
            self.server_hostname,
        )


@dataclass(frozen=True)
class FakeTimeout:
    """The connect timeouts of a ``ClientTimeout``."""

    connect: float | None = None
    sock_connect: float | None = None


@dataclass
class RecordingTrace:
    """Records every trace hook the connector awaits, as ``(name, args)`` pairs."""

    events: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def names(self) -> list[str]:
        """Just the hook names, in order."""
        return [name for name, _ in self.events]

    async def send_connection_queued_start(self) -> None:
        self.events.append(("connection_queued_start", ()))

    async def send_connection_queued_end(self) -> None:
        self.events.append(("connection_queued_end", ()))

    async def send_connection_create_start(self) -> None:
        self.events.append(("connection_create_start", ()))

    async def send_connection_create_end(self) -> None:
        self.events.append(("connection_create_end", ()))

    async def send_connection_reuseconn(self) -> None:
        self.events.append(("connection_reuseconn", ()))

    async def send_dns_resolvehost_start(self, host: str) -> None:
        self.events.append(("dns_resolvehost_start", (host,)))

    async def send_dns_resolvehost_end(self, host: str) -> None:
        self.events.append(("dns_resolvehost_end", (host,)))

    async def send_dns_cache_hit(self, host: str) -> None:
        self.events.append(("dns_cache_hit", (host,)))

    async def send_dns_cache_miss(self, host: str) -> None:
        self.events.append(("dns_cache_miss", (host,)))


class FakeResolver(AbstractResolver):
    """Answers from ``hosts``: a name maps to a list of addresses or to an exception to raise.

    Unknown names raise :class:`OSError`. ``calls`` lists every look-up. While ``hold`` is set
    to an unset :class:`asyncio.Event`, look-ups wait for it (to test coalescing). ``ttl`` is
    reported with every address.
    """

    def __init__(
        self,
        hosts: Mapping[str, Sequence[str] | BaseException] | None = None,
        *,
        ttl: float | None = None,
    ) -> None:
        self.hosts: dict[str, Sequence[str] | BaseException] = dict(hosts or {})
        self.ttl = ttl
        self.calls: list[tuple[str, int, int]] = []
        self.hold: asyncio.Event | None = None
        self.closed = False

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Answer from the table, after waiting for :attr:`hold` if it is set."""
        self.calls.append((host, port, int(family)))
        if self.hold is not None:
            await self.hold.wait()
        answer = self.hosts.get(host)
        if answer is None:
            raise OSError(None, f"FakeResolver: unknown host {host!r}")
        if isinstance(answer, BaseException):
            raise answer
        results: list[ResolveResult] = []
        for addr in answer:
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            if family and fam != family:
                continue
            result = ResolveResult(
                hostname=host, host=addr, port=port, family=fam, proto=0, flags=_NUMERIC
            )
            if self.ttl is not None:
                result["ttl"] = self.ttl
            results.append(result)
        if not results:
            raise OSError(None, f"FakeResolver: no address of the wanted family for {host!r}")
        return results

    async def close(self) -> None:
        """Mark the resolver closed."""
        self.closed = True


class MockTransport(asyncio.Transport):
    """A transport that records what is written and whether it was closed or aborted.

    :meth:`peer_close` simulates the peer closing the connection.
    """

    def __init__(
        self, protocol: asyncio.BaseProtocol, *, extra: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(dict(extra or {}))
        self._protocol = protocol
        self.written = bytearray()
        self.closed = False
        self.aborted = False

    def get_protocol(self) -> asyncio.BaseProtocol:
        return self._protocol

    def set_protocol(self, protocol: asyncio.BaseProtocol) -> None:
        self._protocol = protocol

    def is_closing(self) -> bool:
        return self.closed

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if self.closed:
            raise RuntimeError("write on a closed MockTransport")
        self.written.extend(data)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            asyncio.get_running_loop().call_soon(self._protocol.connection_lost, None)

    def abort(self) -> None:
        self.aborted = True
        self.close()

    def peer_close(self) -> None:
        """Act as if the peer closed: EOF, then the connection is lost."""
        protocol = self._protocol
        if isinstance(protocol, asyncio.Protocol):
            protocol.eof_received()
        self.close()

    def can_write_eof(self) -> bool:
        return False

    def get_write_buffer_size(self) -> int:
        return 0


class MockConnector(BaseConnector):
    """A connector whose connections are :class:`MockTransport` pairs: pooling without sockets.

    ``created`` lists the transports in creation order; ``fail_with`` (an exception) makes the
    next connection attempt raise it; ``delay`` seconds are slept per new connection.
    """

    def __init__(self, *, delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = delay
        self.created: list[MockTransport] = []
        self.fail_with: BaseException | None = None

    async def _create_connection(
        self, req: Any, traces: list[TraceLike], timeout: TimeoutLike | None
    ) -> ConnectionProtocol:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail_with is not None:
            exc, self.fail_with = self.fail_with, None
            raise exc
        protocol = self.protocol_factory()
        transport = MockTransport(protocol)  # type: ignore[arg-type]
        protocol.connection_made(transport)
        self.created.append(transport)
        return protocol
