"""Loopback servers for the connector tests: a counting echo server (TCP, TLS, Unix) and dnsmasq."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import trustme

from httpwire_connectors import Connection, StreamProtocol


@dataclass
class CountingServer:
    """An echo server that counts connections: accepted in total, open now, most open at once."""

    host: str = "127.0.0.1"
    port: int = 0
    path: str | None = None
    accepted: int = 0
    active: int = 0
    max_active: int = 0
    writers: list[asyncio.StreamWriter] = field(default_factory=list)
    server: asyncio.Server | None = None
    silent: bool = False

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        self.writers.append(writer)
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if not self.silent:
                    writer.write(data)
                    await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            self.active -= 1
            writer.close()

    def url(self, scheme: str = "http", host: str | None = None) -> str:
        return f"{scheme}://{host or self.host}:{self.port}/"

    async def disconnect_all(self) -> None:
        """Close every accepted connection from the server side."""
        for writer in self.writers:
            writer.close()
        await asyncio.sleep(0.05)

    async def wait_active(self, count: int, timeout: float = 2.0) -> None:
        """Wait until exactly ``count`` connections are open on the server."""
        end = time.monotonic() + timeout
        while self.active != count:
            if time.monotonic() > end:
                raise AssertionError(f"server has {self.active} connections, expected {count}")
            await asyncio.sleep(0.01)


async def _start(server: CountingServer, ssl_ctx: ssl.SSLContext | None = None) -> CountingServer:
    if server.path is not None:
        server.server = await asyncio.start_unix_server(server._handle, server.path, ssl=ssl_ctx)
    else:
        server.server = await asyncio.start_server(
            server._handle, server.host, 0, ssl=ssl_ctx, reuse_address=True
        )
        server.port = server.server.sockets[0].getsockname()[1]
    return server


async def _stop(server: CountingServer) -> None:
    assert server.server is not None
    server.server.close()
    for writer in server.writers:
        writer.close()
    await asyncio.sleep(0)


@pytest.fixture
async def echo_server() -> AsyncIterator[CountingServer]:
    server = await _start(CountingServer())
    yield server
    await _stop(server)


@pytest.fixture
async def unix_server(tmp_path: Path) -> AsyncIterator[CountingServer]:
    server = await _start(CountingServer(path=str(tmp_path / "echo.sock")))
    yield server
    await _stop(server)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def server_cert(ca: trustme.CA) -> trustme.LeafCert:
    return ca.issue_cert("localhost", "127.0.0.1", "example.test")


@pytest.fixture
def server_ssl(server_cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(ctx)
    return ctx


@pytest.fixture
def client_ssl(ca: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ca.configure_trust(ctx)
    return ctx


@pytest.fixture
async def tls_server(server_ssl: ssl.SSLContext) -> AsyncIterator[CountingServer]:
    server = await _start(CountingServer(), server_ssl)
    yield server
    await _stop(server)


async def echo(conn: Connection, payload: bytes = b"ping") -> bytes:
    """Send ``payload`` over the connection and return what comes back."""
    protocol = conn.protocol
    assert isinstance(protocol, StreamProtocol)
    protocol.write(payload)
    received = b""
    while len(received) < len(payload):
        chunk = await asyncio.wait_for(protocol.read(), 2)
        if not chunk:
            break
        received += chunk
    return received


# ----------------------------------------------------------------- dnsmasq


def _dnsmasq_binary() -> str | None:
    return shutil.which("dnsmasq") or shutil.which("dnsmasq", path="/usr/sbin:/sbin")


@dataclass
class Dnsmasq:
    """A dnsmasq on a loopback port answering from a hosts file, logging each query."""

    port: int
    log: Path
    process: subprocess.Popen[bytes]

    def queries(self, name: str) -> int:
        """How many queries for ``name`` dnsmasq has logged so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(1 for line in text.splitlines() if "query[" in line and f" {name} " in line)


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def require_dnsmasq() -> str:
    """The dnsmasq binary; without one, fail on CI (env ``CI`` set) and skip elsewhere."""
    binary = _dnsmasq_binary()
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("dnsmasq is not installed (apt-get install dnsmasq-base); CI requires it")
        pytest.skip("dnsmasq is not installed: apt-get install dnsmasq-base to run the DNS tests")
    return binary


@pytest.fixture
def dnsmasq(tmp_path: Path) -> Iterator[Dnsmasq]:
    binary = require_dnsmasq()
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.1 svc.test\n127.0.0.2 svc.test\n127.0.0.1 other.test\n")
    log = tmp_path / "dnsmasq.log"
    for _attempt in range(5):
        port = _free_udp_port()
        process = subprocess.Popen(
            [
                binary,
                "--no-daemon",
                f"--port={port}",
                "--listen-address=127.0.0.1",
                "--bind-interfaces",
                "--no-resolv",
                "--no-hosts",
                f"--addn-hosts={hosts}",
                "--local-ttl=2",
                # Names it does not know are answered NXDOMAIN here, never forwarded anywhere.
                "--local=/#/",
                "--log-queries",
                f"--log-facility={log}",
                f"--pid-file={tmp_path / 'dnsmasq.pid'}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_dns(port, process):
            _wait_logged(log)
            break
        process.kill()
        process.wait()
    else:
        raise RuntimeError("could not start dnsmasq on a free loopback port")
    try:
        yield Dnsmasq(port, log, process)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_logged(log: Path) -> None:
    """Wait until the readiness probe's query is in the log, so counts start from a known base."""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if log.exists() and "query[" in log.read_text(errors="replace"):
            return
        time.sleep(0.02)
    raise RuntimeError("dnsmasq does not log queries")


def _wait_dns(port: int, process: subprocess.Popen[bytes]) -> bool:
    """Wait until dnsmasq answers a query on ``port`` (a minimal A query for svc.test)."""
    query = b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03svc\x04test\x00\x00\x01\x00\x01"
    end = time.monotonic() + 5
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        while time.monotonic() < end:
            if process.poll() is not None:
                return False
            try:
                sock.sendto(query, ("127.0.0.1", port))
                sock.recv(512)
                return True
            except OSError:
                continue
    return False
