"""Connecting a socket to one of several addresses, RFC 8305 style ("happy eyeballs").

Attempts start one after another, ``delay`` seconds apart or as soon as the previous one fails;
the first to connect wins and the others are cancelled and closed. Addresses are interleaved by
family so that one broken IPv6 (or IPv4) path cannot stall the connection.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence

from ._interfaces import ResolveResult

__all__: list[str] = []


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


async def _attempt(
    loop: asyncio.AbstractEventLoop, addr: ResolveResult, local_addr: tuple[str, int] | None
) -> socket.socket:
    sock = socket.socket(addr["family"], socket.SOCK_STREAM, addr["proto"])
    try:
        sock.setblocking(False)
        if local_addr is not None:
            try:
                sock.bind(local_addr)
            except OSError as exc:
                raise OSError(
                    exc.errno, f"cannot bind to local address {local_addr!r}: {exc.strerror}"
                ) from exc
        await loop.sock_connect(sock, (addr["host"], addr["port"]))
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
) -> socket.socket:
    """Return a connected non-blocking socket to the first address that answers.

    ``delay=None`` tries the addresses one at a time. Raises the attempt's :class:`OSError`
    (or one combining several) when none connects.
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
                return await _attempt(loop, addr, local_addr)
            except OSError as exc:
                errors.append(exc)
        raise _combine(errors)

    pending: set[asyncio.Task[socket.socket]] = set()
    position = 0
    winner: socket.socket | None = None

    def start_next() -> None:
        nonlocal position
        pending.add(loop.create_task(_attempt(loop, ordered[position], local_addr)))
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
                if failure is not None:
                    errors.append(failure)
                elif winner is None:
                    winner = task.result()
                else:
                    task.result().close()
            if winner is None and position < len(ordered):
                start_next()
    finally:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
            for task in pending:
                if not task.cancelled() and task.exception() is None:
                    task.result().close()
    if winner is None:
        raise _combine(errors)
    return winner
