"""Choosing the event loop an object is bound to: the one given (``loop=``) or the running one."""

from __future__ import annotations

import asyncio

__all__: list[str] = []


def pick_loop(
    owner: str, loop: asyncio.AbstractEventLoop | None = None
) -> asyncio.AbstractEventLoop:
    """Return ``loop`` when given, else the running loop.

    As in aiohttp 3.x, an explicit loop lets an object be built before that loop runs (legacy
    code passes ``loop=asyncio.get_event_loop()``); without one, there must be a running loop.
    """
    if loop is not None:
        if not isinstance(loop, asyncio.AbstractEventLoop):
            raise TypeError(f"loop must be an asyncio event loop or None, got {loop!r}")
        return loop
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(f"{owner} must be created inside a running event loop") from None
