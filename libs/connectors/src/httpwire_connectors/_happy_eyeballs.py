"""Connecting a socket to one of several addresses, RFC 8305 style ("happy eyeballs").

Attempts start one after another, ``delay`` seconds apart or as soon as the previous one fails;
the first to connect wins and the others are cancelled and closed. Addresses are interleaved by
family so that one broken IPv6 (or IPv4) path cannot stall the connection.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from ._interfaces import ResolveResult

__all__ = ["AddrInfoType", "SocketFactoryType"]

#: ``getaddrinfo``'s tuple for one address: family, socket type, protocol, canonical name, address.
AddrInfoType: TypeAlias = tuple[
    int | socket.AddressFamily, int | socket.SocketKind, int, str, tuple[Any, ...]
]
#: aiohttp's ``socket_factory``: makes the (unconnected) socket for one connection attempt.
SocketFactoryType: TypeAlias = Callable[[AddrInfoType], socket.socket]


def interleave_families(
    addrs: Sequence[ResolveResult], first_family_count: int
) -> list[ResolveResult]:
    """Reorder ``addrs``: ``first_family_count`` of the first family, then alternate families."""
    by_family: dict[int, list[ResolveResult]] = {}
    for addr in addrs:
        by_family.setdefault(addr["family"], []).append(addr)
    if len(by_family) < 2:
        return list(addrs)
    queues = list(by_family.values())
    ordered: list[ResolveResult] = queues[0][:first_family_count]
    queues[0] = queues[0][first_family_count:]
    # After the first family's head start, the other families go first in each round.
    rotation = queues[1:] + queues[:1]
    while any(rotation):
        for queue in rotation:
            if queue:
                ordered.append(queue.pop(0))
    return ordered


def addr_info(addr: ResolveResult) -> AddrInfoType:
    """The ``getaddrinfo`` tuple of a resolved (numeric) address, as a socket factory gets it.

    The numeric flags guarantee that no name service is consulted; an IPv6 zone (``%eth0``)
    becomes the scope id of the address tuple.
    """
    infos = socket.getaddrinfo(
        addr["host"],
        addr["port"],
        addr["family"],
        socket.SOCK_STREAM,
        addr["proto"],
        socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
    )
    family, kind, proto, canonname, sockaddr = infos[0]
    return (int(family), int(kind), proto, canonname, tuple(sockaddr))


def _make_socket(
    addr: ResolveResult, socket_factory: SocketFactoryType | None
) -> tuple[socket.socket, tuple[Any, ...]]:
    if socket_factory is None:
        # IPPROTO_TCP, not 0, for IP literals too: asyncio sets TCP_NODELAY only on sockets
        # whose protocol says TCP, and Nagle's algorithm stalls a small write after a big one.
        sock = socket.socket(
            addr["family"], socket.SOCK_STREAM, addr["proto"] or socket.IPPROTO_TCP
        )
        return sock, (addr["host"], addr["port"])
    info = addr_info(addr)
    sock = socket_factory(info)
    if not isinstance(sock, socket.socket):
        raise TypeError(f"socket_factory must return a socket.socket, got {sock!r}")
    return sock, info[4]


async def _attempt(
    loop: asyncio.AbstractEventLoop,
    addr: ResolveResult,
    local_addr: tuple[str, int] | None,
    socket_factory: SocketFactoryType | None = None,
) -> socket.socket:
    sock, target = _make_socket(addr, socket_factory)
    try:
        sock.setblocking(False)
        if local_addr is not None:
            try:
                sock.bind(local_addr)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"cannot bind to local address {local_addr!r}: {exc.strerror}"
                ) from exc
        await loop.sock_connect(sock, target)
    except BaseException:
        sock.close()
        raise
    return sock


def _combine(errors: list[BaseException]) -> BaseException:
    if len(errors) == 1 or len({str(e) for e in errors}) == 1:
        return errors[0]
    errnos = {getattr(e, "errno", None) for e in errors}
    errno = errnos.pop() if len(errnos) == 1 else None
    return OSError(errno, "Multiple exceptions: " + ", ".join(str(e) for e in errors))


async def open_socket(
    addrs: Sequence[ResolveResult],
    *,
    delay: float | None,
    interleave: int | None,
    local_addr: tuple[str, int] | None = None,
    socket_factory: SocketFactoryType | None = None,
) -> socket.socket:
    """Return a connected non-blocking socket to the first address that answers.

    ``delay=None`` tries the addresses one at a time. Raises the attempt's :class:`OSError`
    (or one combining several) when none connects; any other exception (a faulty
    ``socket_factory``, say) is raised at once.
    """
    if not addrs:
        raise OSError(None, "no addresses to connect to")
    loop = asyncio.get_running_loop()
    if interleave is None and delay is not None:
        interleave = 1
    ordered = interleave_families(addrs, interleave) if interleave else list(addrs)
    errors: list[BaseException] = []
    if delay is None or len(ordered) == 1:
        for addr in ordered:
            try:
                return await _attempt(loop, addr, local_addr, socket_factory)
            except OSError as exc:
                errors.append(exc)
        raise _combine(errors)

    pending: set[asyncio.Task[socket.socket]] = set()
    position = 0
    winner: socket.socket | None = None
    fatal: BaseException | None = None

    def start_next() -> None:
        nonlocal position
        pending.add(loop.create_task(_attempt(loop, ordered[position], local_addr, socket_factory)))
        position += 1

    start_next()
    try:
        while pending and winner is None:
            wait_for = delay if position < len(ordered) else None
            done, _ = await asyncio.wait(
                pending, timeout=wait_for, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                pending.discard(task)
                failure = task.exception()
                if failure is not None and not isinstance(failure, OSError):
                    fatal = fatal or failure
                elif failure is not None:
                    errors.append(failure)
                elif winner is None:
                    winner = task.result()
                else:
                    task.result().close()
            if fatal is not None:
                raise fatal
            if winner is None and position < len(ordered):
                start_next()
    except BaseException:
        # Cancelled or failed: whatever won is not returned, so it is closed here rather than
        # left to the garbage collector, and so is anything the attempts still running open.
        if winner is not None:
            winner.close()
        _stop_soon(pending)
        raise
    try:
        await _stop(pending)
    except BaseException:
        # Cancelled while the losers were being stopped (their callbacks close what they open).
        if winner is not None:
            winner.close()
        raise
    if winner is None:
        raise _combine(errors)
    return winner


def _close_if_connected(task: asyncio.Task[socket.socket]) -> None:
    """Done callback of an attempt nobody waits for: close the socket it may still produce."""
    if not task.cancelled() and task.exception() is None:
        task.result().close()


def _stop_soon(tasks: set[asyncio.Task[socket.socket]]) -> None:
    """Cancel the attempts still running; each closes its socket if it connects all the same."""
    for task in tasks:
        task.cancel()
        task.add_done_callback(_close_if_connected)


async def _stop(tasks: set[asyncio.Task[socket.socket]]) -> None:
    """Cancel the attempts still running and wait until they are over, their sockets closed.

    Their done callbacks close what they open, so even if this wait is cancelled in turn no
    socket is left behind.
    """
    _stop_soon(tasks)
    if tasks:
        await asyncio.wait(tasks)
