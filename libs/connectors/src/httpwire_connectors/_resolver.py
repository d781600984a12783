"""Name resolvers: the abstract interface, the thread-pool one and the aiodns one.

A resolver turns a host name into numeric addresses (:class:`ResolveResult` dictionaries) and
raises :class:`OSError` when it cannot; the connector turns that into
:class:`ClientConnectorDNSError`. Caching and coalescing are the connector's job, not theirs.
"""

from __future__ import annotations

import asyncio
import socket
from abc import ABC, abstractmethod
from typing import Any

from ._interfaces import ResolveResult
from ._loop import pick_loop

aiodns: Any
try:
    import aiodns
except ImportError:  # pragma: no cover - exercised only without the extra
    aiodns = None

__all__ = ["AbstractResolver", "AsyncResolver", "DefaultResolver", "ThreadedResolver"]

_NUMERIC = socket.AI_NUMERICHOST | socket.AI_NUMERICSERV


class AbstractResolver(ABC):
    """The interface every resolver implements (the same as aiohttp's ``AbstractResolver``)."""

    @abstractmethod
    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Return the addresses of ``host``; raise :class:`OSError` when there are none."""

    @abstractmethod
    async def close(self) -> None:
        """Release whatever the resolver holds; it is not used afterwards."""


class ThreadedResolver(AbstractResolver):
    """Resolves with the system's ``getaddrinfo`` in the event loop's default executor.

    It honours ``/etc/hosts``, ``nsswitch.conf`` and everything else the platform configures,
    at the price of one worker thread per look-up.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = pick_loop("ThreadedResolver", loop)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Look ``host`` up with ``loop.getaddrinfo`` for stream sockets."""
        try:
            infos = await self._loop.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, family=family, flags=socket.AI_ADDRCONFIG
            )
        except UnicodeError as exc:  # IDNA refused the name before any query was sent
            raise OSError(None, f"invalid host name {host!r}: {exc}") from exc
        results: list[ResolveResult] = []
        for fam, _, proto, _, address in infos:
            if fam == socket.AF_INET6 and len(address) > 3 and address[3]:
                # A link-local address only works with its zone, which getnameinfo spells out.
                numeric, service = socket.getnameinfo(address, _NUMERIC)
                addr, addr_port = numeric, int(service)
            else:
                addr, addr_port = str(address[0]), int(address[1])
            results.append(
                ResolveResult(
                    hostname=host,
                    host=addr,
                    port=addr_port,
                    family=fam,
                    proto=proto,
                    flags=_NUMERIC,
                )
            )
        if not results:
            raise OSError(None, f"DNS lookup failed: {host!r} has no addresses")
        return results

    async def close(self) -> None:
        """Nothing to release: the executor belongs to the loop."""


class AsyncResolver(AbstractResolver):
    """Resolves with c-ares through ``aiodns`` (install the ``aiodns`` extra).

    ``loop`` comes first, as in aiohttp; the other arguments go to ``aiodns.DNSResolver``, for
    example ``nameservers=["10.0.0.1"]``, ``timeout``, ``tries``, ``rotate`` or ``udp_port``.
    Answers carry the records' TTL, which the connector's DNS cache honours.
    """

    def __init__(
        self, loop: asyncio.AbstractEventLoop | None = None, *args: Any, **kwargs: Any
    ) -> None:
        if aiodns is None:
            raise RuntimeError(
                "AsyncResolver needs the aiodns package: pip install 'httpwire-connectors[aiodns]'"
            )
        self._loop = pick_loop("AsyncResolver", loop)
        self._resolver = aiodns.DNSResolver(*args, loop=self._loop, **kwargs)

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Look ``host`` up with c-ares' ``getaddrinfo`` for stream sockets."""
        try:
            answer = await self._resolver.getaddrinfo(
                host, family=family, port=port, type=socket.SOCK_STREAM, flags=socket.AI_ADDRCONFIG
            )
        except aiodns.error.DNSError as exc:
            message = exc.args[1] if len(exc.args) > 1 else "DNS lookup failed"
            raise OSError(None, f"{message} ({host!r})") from exc
        except ValueError as exc:  # a name c-ares or IDNA refuses outright
            raise OSError(None, f"invalid host name {host!r}: {exc}") from exc
        results: list[ResolveResult] = []
        for node in answer.nodes:
            raw = node.addr[0]
            addr = raw.decode() if isinstance(raw, bytes) else str(raw)
            if node.family == socket.AF_INET6 and len(node.addr) > 3 and node.addr[3]:
                addr = f"{addr}%{node.addr[3]}"
            results.append(
                ResolveResult(
                    hostname=host,
                    host=addr,
                    port=int(node.addr[1]),
                    family=node.family,
                    proto=node.protocol,
                    flags=_NUMERIC,
                    ttl=float(node.ttl),
                )
            )
        if not results:
            raise OSError(None, f"DNS lookup failed: {host!r} has no addresses")
        return results

    async def close(self) -> None:
        """Cancel pending queries and close the c-ares channel."""
        close = getattr(self._resolver, "close", None)
        if close is not None:
            await close()
        else:  # pragma: no cover - aiodns < 3.3
            self._resolver.cancel()


#: The resolver a :class:`TCPConnector` makes when given none (the thread-pool one, as aiohttp).
DefaultResolver = ThreadedResolver

for _cls in (AbstractResolver, ThreadedResolver, AsyncResolver):
    _cls.__module__ = "httpwire_connectors"
del _cls
