"""Real servers for the integration tests: nginx, dnsmasq, tinyproxy, and the helpers around them.

Not a conftest: the test modules ``import _it_servers`` (conftest.py puts this folder on
``sys.path``) and bind the fixtures they need, so only the modules that use a server start it.
Every server listens on loopback only, runs as a child process in the foreground, and is
stopped by its fixture. A missing binary fails under CI (env ``CI`` set, ``.ci/run`` installs
it) and skips elsewhere with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

__all__ = [
    "BIG_SIZE",
    "HUGE_SIZE",
    "TEXT_BODY",
    "TINYPROXY_AUTH",
    "Dnsmasq",
    "Nginx",
    "Tinyproxy",
    "fd_count",
    "free_tcp_port",
    "it_client_ssl",
    "it_dnsmasq",
    "it_nginx",
    "it_tinyproxy",
    "it_tinyproxy_auth",
    "require_binary",
    "rss_bytes",
]

#: Sizes and contents of the generated static files.
BIG_SIZE = 8 * 1024 * 1024
HUGE_SIZE = 100 * 1024 * 1024
TEXT_BODY = ("httpwire and nginx, line after line of compressible text.\n" * 2000).encode()


# ----------------------------------------------------------------- helpers


def require_binary(name: str, package: str) -> str:
    """The path of ``name``; without it, fail under CI (env ``CI`` set) and skip elsewhere.

    CI installs every server these tests need, so a missing one there is a broken install step,
    not a reason to quietly run fewer tests.
    """
    binary = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if binary is None:
        message = f"{name} is not installed (apt-get install {package})"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI requires it")
        pytest.skip(f"{message}: install it to run these integration tests")
    return binary


def free_tcp_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the caller retries on a clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fd_count() -> int:
    """How many file descriptors this process has open, from /proc/self/fd."""
    return len(os.listdir("/proc/self/fd"))


def rss_bytes() -> int:
    """This process's resident set size (VmRSS in /proc/self/status), in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


@contextlib.contextmanager
def _private_tmp(name: str) -> Iterator[Path]:
    """A tmp dir of our own, removed afterwards.

    Not pytest's ``tmp_path``: other pytest runs on the same machine prune old base temp dirs,
    which would delete a live server's files from under it.
    """
    with tempfile.TemporaryDirectory(prefix=f"httpwire-it-{name}-") as tmp:
        yield Path(tmp)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def it_ca() -> trustme.CA:
    """A throwaway certificate authority for the TLS servers."""
    return trustme.CA()


@pytest.fixture(scope="module")
def it_client_ssl(it_ca: trustme.CA) -> ssl.SSLContext:
    """A client context trusting only the test CA."""
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    it_ca.configure_trust(ctx)
    return ctx


# ----------------------------------------------------------------- nginx

_NGINX_CONF = """\
{user}
worker_processes 1;
daemon off;
master_process on;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
        text/html html;
        text/plain txt;
        application/json json;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    gzip on;
    gzip_min_length 64;
    gzip_types text/plain application/json;
    keepalive_timeout 30s;
    keepalive_requests 100000;

    # Which connection served a request, and how many requests it has served so far.
    add_header X-Conn $connection always;
    add_header X-Conn-Requests $connection_requests always;

    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
        root {root};
        location = /proto {{
            default_type text/plain;
            return 200 "$server_protocol|$http_connection|$http_accept_encoding\\n";
        }}
        location = /echo-headers {{
            default_type text/plain;
            return 200 "$http_x_custom|$http_user_agent|$http_host\\n";
        }}
        location = /old {{ return 301 /text.txt; }}
        location = /loop {{ return 302 /loop; }}
        location = /teapot {{ return 418; }}
        location /http10/ {{
            # gzip for HTTP/1.0 too: such a body can't be chunked, nginx ends it by closing.
            gzip_http_version 1.0;
            alias {root}/;
        }}
        location /upload/ {{
            # WebDAV PUT stores request bodies (Content-Length or chunked) under uploads/.
            alias {root}/uploads/;
            dav_methods PUT DELETE;
            create_full_put_path on;
            client_max_body_size 64m;
            client_body_buffer_size 1m;
        }}
        location /upstream-down/ {{
            # Proxies to a port nothing listens on: nginx answers 502 itself.
            proxy_pass http://127.0.0.1:{dead_port};
            proxy_connect_timeout 2s;
        }}
    }}

    server {{
        listen 127.0.0.1:{limited_port};
        server_name localhost;
        root {root};
        keepalive_requests 3;
    }}

    server {{
        listen 127.0.0.1:{short_port};
        server_name localhost;
        root {root};
        keepalive_timeout 1s;
    }}

    server {{
        listen 127.0.0.1:{tls_port} ssl;
        server_name localhost;
        root {root};
        ssl_certificate {tmp}/cert.pem;
        ssl_certificate_key {tmp}/key.pem;
    }}
}}
"""


@dataclass
class Nginx:
    """A running nginx: its ports, the document root and its error log."""

    port: int
    limited_port: int
    tls_port: int
    short_port: int
    root: Path
    error_log: Path

    @property
    def url(self) -> str:
        """Base URL of the main server (gzip on, keep-alive practically unlimited)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def limited_url(self) -> str:
        """Base URL of the server with ``keepalive_requests 3``."""
        return f"http://127.0.0.1:{self.limited_port}"

    @property
    def short_url(self) -> str:
        """Base URL of the server with ``keepalive_timeout 1s``."""
        return f"http://127.0.0.1:{self.short_port}"

    @property
    def tls_url(self) -> str:
        """Base URL of the TLS server (certificate for ``localhost`` from the test CA)."""
        return f"https://localhost:{self.tls_port}"


def _write_docroot(root: Path) -> None:
    root.mkdir()
    (root / "index.html").write_text("<html><body>httpwire index</body></html>\n")
    (root / "text.txt").write_bytes(TEXT_BODY)
    (root / "data.json").write_text('{"name": "httpwire", "items": [1, 2, 3]}' + " " * 100)
    (root / "small.txt").write_text("tiny\n")  # under gzip_min_length: never compressed
    (root / "empty.txt").write_bytes(b"")
    # Each MiB starts with its own index byte, so truncation or reordering shows in a digest.
    block = bytes(range(256)) * 4096
    with (root / "big.bin").open("wb") as f:
        for i in range(BIG_SIZE // len(block)):
            f.write(bytes([i]) + block[1:])
    with (root / "huge.bin").open("wb") as f:
        f.truncate(HUGE_SIZE)  # sparse: 100 MiB of zeros without 100 MiB on disk
    (root / "dir").mkdir()
    (root / "uploads").mkdir()
    (root / "dir" / "index.html").write_text("<p>dir index</p>\n")


def _wait_tcp(port: int, process: subprocess.Popen[bytes], deadline: float) -> bool:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def _run_nginx(binary: str, tmp: Path, ca: trustme.CA) -> Iterator[Nginx]:
    root = tmp / "root"
    _write_docroot(root)
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(tmp / "cert.pem"))
    for pem in cert.cert_chain_pems[1:]:
        pem.write_to_path(str(tmp / "cert.pem"), append=True)
    cert.private_key_pem.write_to_path(str(tmp / "key.pem"))
    # As root, nginx's workers drop to "nobody", who cannot read a 0700 tmp dir.
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = tmp / "nginx.conf"
    for _attempt in range(5):
        ports = [free_tcp_port() for _ in range(5)]
        if len(set(ports)) < len(ports):
            continue
        conf.write_text(
            _NGINX_CONF.format(
                user=user,
                tmp=tmp,
                root=root,
                port=ports[0],
                limited_port=ports[1],
                tls_port=ports[2],
                dead_port=ports[3],
                short_port=ports[4],
            )
        )
        process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(tmp), "-e", str(tmp / "error.log")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        if all(_wait_tcp(port, process, deadline) for port in (*ports[:3], ports[4])):
            break
        _stop(process)
    else:
        log = tmp / "error.log"
        detail = log.read_text(errors="replace") if log.exists() else "(no error log)"
        raise RuntimeError(f"could not start nginx on free loopback ports:\n{detail}")
    try:
        yield Nginx(ports[0], ports[1], ports[2], ports[4], root, tmp / "error.log")
    finally:
        _stop(process)


@pytest.fixture(scope="module")
def it_nginx(it_ca: trustme.CA) -> Iterator[Nginx]:
    """An nginx for the test module, as a non-daemon child process on loopback ports."""
    binary = require_binary("nginx", "nginx-light")
    with _private_tmp("nginx") as tmp:
        yield from _run_nginx(binary, tmp, it_ca)


# ----------------------------------------------------------------- dnsmasq


@dataclass
class Dnsmasq:
    """A dnsmasq on a loopback port answering from a hosts file, logging each query."""

    port: int
    log: Path

    def queries(self, name: str) -> int:
        """How many queries for ``name`` dnsmasq has logged so far."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return sum(1 for line in text.splitlines() if "query[" in line and f" {name} " in line)


def _dns_answers(port: int, process: subprocess.Popen[bytes]) -> bool:
    """Whether dnsmasq answers a minimal A query for ``web.test`` within a few seconds."""
    query = b"\xab\xcd\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03web\x04test\x00\x00\x01\x00\x01"
    deadline = time.monotonic() + 5
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.2)
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return False
            try:
                sock.sendto(query, ("127.0.0.1", port))
                sock.recv(512)
                return True
            except OSError:
                continue
    return False


def _run_dnsmasq(binary: str, tmp: Path) -> Iterator[Dnsmasq]:
    hosts = tmp / "hosts"
    hosts.write_text("127.0.0.1 web.test\n127.0.0.1 other.test\n")
    log = tmp / "dnsmasq.log"
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
                # TTL 0: c-ares keeps no query cache of its own, so every lookup the
                # connector makes shows in the log.
                "--local-ttl=0",
                # Unknown names get NXDOMAIN here and are never forwarded anywhere.
                "--local=/#/",
                "--log-queries",
                f"--log-facility={log}",
                f"--pid-file={tmp / 'dnsmasq.pid'}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _dns_answers(port, process):
            break
        _stop(process)
    else:
        raise RuntimeError("could not start dnsmasq on a free loopback port")
    # Let the probe's query reach the log so counts start from a known base.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not (
        log.exists() and "query[" in log.read_text(errors="replace")
    ):
        time.sleep(0.02)
    try:
        yield Dnsmasq(port, log)
    finally:
        _stop(process)


@pytest.fixture
def it_dnsmasq() -> Iterator[Dnsmasq]:
    """A dnsmasq that knows ``web.test`` and ``other.test`` (127.0.0.1) and nothing else."""
    binary = require_binary("dnsmasq", "dnsmasq-base")
    with _private_tmp("dnsmasq") as tmp:
        yield from _run_dnsmasq(binary, tmp)


# ----------------------------------------------------------------- tinyproxy

#: The credentials ``it_tinyproxy_auth`` requires (``BasicAuth`` in its config).
TINYPROXY_AUTH = ("alice", "s3cret")

_TINYPROXY_CONF = """\
Port {port}
Listen 127.0.0.1
Allow 127.0.0.1
Timeout 30
MaxClients 100
LogFile "{log}"
LogLevel Connect
# Marks on every forwarded request: "Via: 1.1 httpwire-it (tinyproxy/...)" and "X-Tinyproxy".
ViaProxyName "httpwire-it"
XTinyproxy Yes
{connect_ports}
{basic_auth}
"""


@dataclass
class Tinyproxy:
    """A running tinyproxy forward proxy: its port, log and the credentials it requires."""

    port: int
    log: Path
    auth: tuple[str, str] | None
    connect_ports: tuple[int, ...]

    @property
    def url(self) -> str:
        """The proxy URL (without credentials)."""
        return f"http://127.0.0.1:{self.port}"

    def requests(self) -> list[str]:
        """The request lines tinyproxy logged so far, as received (``GET http://...``)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        marker = "]: Request (file descriptor "
        return [
            line.split(marker, 1)[1].split("): ", 1)[1]
            for line in text.splitlines()
            if marker in line
        ]


def _stop_tinyproxy(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, repeated: tinyproxy 1.11 misses one that lands just before it blocks in poll()."""
    for _attempt in range(10):
        process.terminate()
        try:
            process.wait(0.2)
            return
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    process.wait()


def _run_tinyproxy(
    binary: str, tmp: Path, connect_ports: tuple[int, ...], auth: tuple[str, str] | None
) -> Iterator[Tinyproxy]:
    conf = tmp / "tinyproxy.conf"
    log = tmp / "tinyproxy.log"
    for _attempt in range(5):
        port = free_tcp_port()
        conf.write_text(
            _TINYPROXY_CONF.format(
                port=port,
                log=log,
                # With any ConnectPort line, CONNECT to other ports is refused (403).
                connect_ports="\n".join(f"ConnectPort {p}" for p in connect_ports),
                basic_auth=f"BasicAuth {auth[0]} {auth[1]}" if auth else "",
            )
        )
        process = subprocess.Popen(
            [binary, "-d", "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if _wait_tcp(port, process, time.monotonic() + 10):
            break
        _stop_tinyproxy(process)
    else:
        detail = log.read_text(errors="replace") if log.exists() else "(no log)"
        raise RuntimeError(f"could not start tinyproxy on a free loopback port:\n{detail}")
    try:
        yield Tinyproxy(port, log, auth, connect_ports)
    finally:
        _stop_tinyproxy(process)


@pytest.fixture(scope="module")
def it_tinyproxy(it_nginx: Nginx) -> Iterator[Tinyproxy]:
    """An open tinyproxy that tunnels (CONNECT) only to nginx's TLS port."""
    binary = require_binary("tinyproxy", "tinyproxy-bin")
    with _private_tmp("tinyproxy") as tmp:
        yield from _run_tinyproxy(binary, tmp, (it_nginx.tls_port,), None)


@pytest.fixture(scope="module")
def it_tinyproxy_auth(it_nginx: Nginx) -> Iterator[Tinyproxy]:
    """A tinyproxy requiring ``BasicAuth`` ``TINYPROXY_AUTH``, tunnelling only to nginx's TLS port.

    tinyproxy answers a request without ``Proxy-Authorization`` with 407, and one with wrong
    credentials with 401.
    """
    binary = require_binary("tinyproxy", "tinyproxy-bin")
    with _private_tmp("tinyproxy-auth") as tmp:
        yield from _run_tinyproxy(binary, tmp, (it_nginx.tls_port,), TINYPROXY_AUTH)
