"""A ``websockets`` echo server for the WebSocket echo area (no size limit).

Run as ``python -m benchmarks._ws_server [--deflate]``; it prints ``PORT <n>`` and exits when stdin
closes. Without ``--deflate`` it offers no extension; with it, it accepts permessage-deflate
(RFC 7692) with websockets' defaults (``compression="deflate"``: 12-bit windows where the client
lets the server choose, memLevel 5, context takeover both ways). A client that does not offer
the extension still gets uncompressed frames.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from benchmarks._proc import exit_on_stdin_eof, pin_current_process

__all__ = ["echo"]

_MAX_LIFETIME_S = 1800.0


async def echo(connection: ServerConnection) -> None:
    """Send every message back as it came (text as text, binary as binary)."""
    with contextlib.suppress(ConnectionClosed):
        async for message in connection:
            await connection.send(message)


async def _serve(deflate: bool) -> None:
    loop = asyncio.get_running_loop()
    stop: asyncio.Future[None] = loop.create_future()
    exit_on_stdin_eof(loop, stop)
    compression = "deflate" if deflate else None
    async with serve(echo, "127.0.0.1", 0, max_size=None, compression=compression) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"PORT {port}", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop, _MAX_LIFETIME_S)
        server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", type=int, default=None)
    parser.add_argument(
        "--deflate", action="store_true", help="accept permessage-deflate (websockets' defaults)"
    )
    args = parser.parse_args()
    pin_current_process(args.cpu)
    asyncio.run(_serve(args.deflate))


if __name__ == "__main__":
    main()
