"""The command-line client: options, output, exit codes, one-line errors, against a real server."""

from __future__ import annotations

import asyncio
import builtins
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from httpwire import cli

from .conftest import Received, Server, reply


@pytest.fixture
def live() -> Iterator[Server]:
    """The scripted server on a loop of its own thread: the CLI runs its own event loop."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    srv = Server()
    asyncio.run_coroutine_threadsafe(srv.start(), loop).result(5)
    try:
        yield srv
    finally:
        asyncio.run_coroutine_threadsafe(srv.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def _echo(server: Server) -> None:
    @server.route("/echo")
    async def echo(req: Received, writer: asyncio.StreamWriter) -> bytes:
        document = {
            "method": req.method,
            "target": req.target,
            "version": list(req.version),
            "headers": dict(req.headers),
            "body": req.body.decode("latin-1"),
        }
        return reply(200, json.dumps(document), {"Content-Type": "application/json"})


def run(capfd: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capfd.readouterr()
    return code, out, err


def ok(capfd: pytest.CaptureFixture[str], *argv: str) -> str:
    """The standard output of a run that must succeed."""
    code, out, err = run(capfd, *argv)
    assert (code, err) == (0, "")
    return out


def echoed(out: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(out)
    return document


def test_get_prints_the_body(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    _echo(live)
    code, out, err = run(capfd, str(live.url("/echo?q=1")))
    assert code == 0
    assert err == ""
    doc = echoed(out)
    assert doc["method"] == "GET"
    assert doc["target"] == "/echo?q=1"
    assert doc["headers"]["User-Agent"].startswith("Python/")


def test_method_headers_and_data(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    _echo(live)
    url = str(live.url("/echo"))
    out = ok(capfd, "PUT", url, "-H", "X-One: 1", "-H", "X-Two:two", "-d", "abc")
    doc = echoed(out)
    assert (doc["method"], doc["body"]) == ("PUT", "abc")
    assert doc["headers"]["X-One"] == "1"
    assert doc["headers"]["X-Two"] == "two"
    out = ok(capfd, "-X", "delete", url)
    assert echoed(out)["method"] == "DELETE"


def test_data_from_a_file_and_json(
    live: Server, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _echo(live)
    url = str(live.url("/echo"))
    (tmp_path / "body.bin").write_bytes(b"from\x00file")
    out = ok(capfd, url, "-d", f"@{tmp_path / 'body.bin'}")
    assert echoed(out)["method"] == "POST"  # a body makes it a POST
    assert echoed(out)["body"] == "from\x00file"
    out = ok(capfd, url, "--json", '{"a": [1, 2]}')
    doc = echoed(out)
    assert json.loads(doc["body"]) == {"a": [1, 2]}
    assert doc["headers"]["Content-Type"] == "application/json"


def test_form_fields_and_file_upload(
    live: Server, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _echo(live)
    url = str(live.url("/echo"))
    out = ok(capfd, url, "-F", "a=1", "-F", "b=x y")
    doc = echoed(out)
    assert doc["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert doc["body"] == "a=1&b=x+y"
    (tmp_path / "report.txt").write_text("contents")
    out = ok(capfd, url, "-F", "title=t", "-F", f"file@{tmp_path / 'report.txt'}")
    doc = echoed(out)
    assert doc["headers"]["Content-Type"].startswith("multipart/form-data; boundary=")
    assert 'filename="report.txt"' in doc["body"]
    assert "contents" in doc["body"]


def test_include_and_verbose_heads(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    live.answer("/t", reply(201, "made", {"X-Made": "yes"}, reason="Created"))
    code, out, err = run(capfd, "-i", str(live.url("/t")))
    assert code == 0
    head, body = out.split("\r\n\r\n", 1)
    assert head.splitlines()[0] == "HTTP/1.1 201 Created"
    assert "X-Made: yes" in head
    assert body == "made"
    code, out, err = run(capfd, "-v", str(live.url("/t")))
    assert out == "made"
    assert "> GET /t HTTP/1.1" in err
    assert "> Host: 127.0.0.1:" in err
    assert "< HTTP/1.1 201 Created" in err
    assert "< X-Made: yes" in err


def test_redirects_are_followed_only_with_l(
    live: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    live.answer("/from", reply(302, "", {"Location": "/to"}))
    live.answer("/to", reply(200, "arrived"))
    live.answer("/loop", reply(302, "", {"Location": "/loop"}))
    out = ok(capfd, str(live.url("/from")))
    assert out == ""
    code, out, err = run(capfd, "-L", "-v", str(live.url("/from")))
    assert (code, out) == (0, "arrived")
    assert "< HTTP/1.1 302" in err
    assert "> GET /to HTTP/1.1" in err
    code, out, err = run(capfd, "-L", "--max-redirects", "3", str(live.url("/loop")))
    assert code == cli.EXIT_REDIRECTS
    assert err.startswith("httpwire: error: more than 3 redirects")
    assert len(err.strip().splitlines()) == 1


def test_fail_gives_exit_4(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    live.answer("/gone", reply(404, "not here", reason="Not Found"))
    assert run(capfd, str(live.url("/gone")))[0] == 0
    code, out, err = run(capfd, "--fail", str(live.url("/gone")))
    assert code == cli.EXIT_HTTP_ERROR
    assert out == "not here"
    assert err.startswith("httpwire: error: 404 Not Found from http://127.0.0.1:")


def test_auth_http10_and_url_without_scheme(
    live: Server, capfd: pytest.CaptureFixture[str]
) -> None:
    _echo(live)
    target = f"127.0.0.1:{live.port}/echo"
    out = ok(capfd, "-u", "ada:s3cret", "--http1.0", target)
    doc = echoed(out)
    assert doc["headers"]["Authorization"] == "Basic YWRhOnMzY3JldA=="
    assert doc["version"] == [1, 0]


def test_output_file_with_a_progress_bar(
    live: Server, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data = bytes(range(256)) * 4096
    live.answer("/big", reply(200, data))
    target = tmp_path / "big.bin"
    code, out, err = run(capfd, "-o", str(target), "--progress", str(live.url("/big")))
    assert code == 0
    assert out == ""
    assert target.read_bytes() == data
    assert "big.bin" in err
    assert "1.0/1.0 MB" in err
    target.unlink()
    code, out, err = run(capfd, "-o", str(target), str(live.url("/big")))  # not a terminal
    assert (code, err) == (0, "")
    assert target.read_bytes() == data


def test_timeout_gives_exit_3(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    @live.route("/slow")
    async def slow(req: Received, writer: asyncio.StreamWriter) -> bytes:
        await asyncio.sleep(5)
        return reply(200, "late")

    code, _out, err = run(capfd, "--timeout", "0.2", str(live.url("/slow")))
    assert code == cli.EXIT_TIMEOUT
    assert err.startswith("httpwire: error: timed out")


def test_connection_refused_gives_exit_1(capfd: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, _out, err = run(capfd, f"http://127.0.0.1:{port}/")
    assert code == cli.EXIT_NETWORK
    assert err.startswith("httpwire: error: ClientConnectorError")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_malformed_response_gives_exit_1(live: Server, capfd: pytest.CaptureFixture[str]) -> None:
    live.answer("/bad", b"HTTP/1.1 2000 Nope\r\n\r\n")
    code, _, err = run(capfd, str(live.url("/bad")))
    assert code == cli.EXIT_NETWORK
    assert err.startswith("httpwire: error: ClientResponseError")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["-H", "no colon", "http://h.test/"], "invalid header 'no colon'"),
        (["--json", "{bad", "http://h.test/"], "invalid JSON"),
        (["-d", "@/nonexistent/file", "http://h.test/"], "cannot read data file"),
        (["-F", "x@/nonexistent/file", "http://h.test/"], "cannot read form file"),
        (["-F", "novalue", "http://h.test/"], "invalid form field 'novalue'"),
        (["ftp://h.test/"], "an http or https URL with a host is needed"),
        (["http://"], "invalid URL"),
        (["-u", "nocolon", "http://h.test/"], "invalid --auth"),
        (["-u", "a:b", "-H", "authorization: x", "http://h.test/"], "cannot be combined"),
        (["--timeout", "-1", "http://h.test/"], "--timeout must be a positive"),
        (["--timeout", "soon", "http://h.test/"], "invalid float value"),
        (["GET", "POST", "http://h.test/"], "expected [METHOD] URL"),
        (["-X", "PUT", "GET", "http://h.test/"], "two methods given"),
        (["-d", "a", "--json", "{}", "http://h.test/"], "not allowed with argument"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capfd: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capfd, *argv)
    assert code == cli.EXIT_USAGE
    assert out == ""
    assert err.startswith("httpwire: error: ")
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_help_and_version(capfd: pytest.CaptureFixture[str]) -> None:
    out = ok(capfd, "--help")
    assert "exit codes: 0 answered" in out
    assert "--insecure" in out
    out = ok(capfd, "--version")
    assert out.startswith("httpwire ")


def test_without_rich_the_extra_is_named(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_rich(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "rich" or name.startswith("rich."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rich)
    code, _out, err = run(capfd, "http://h.test/")
    assert code == cli.EXIT_USAGE
    assert "pip install 'httpwire[cli]'" in err


def test_python_m_and_console_script(live: Server) -> None:
    live.answer("/hi", reply(200, "hi there"))
    done = subprocess.run(
        [sys.executable, "-m", "httpwire", str(live.url("/hi"))],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, b"hi there")
    script = Path(sys.executable).with_name("httpwire")
    done = subprocess.run(
        [str(script), "--fail", str(live.url("/nope"))],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == cli.EXIT_HTTP_ERROR
    assert done.stderr.decode().startswith("httpwire: error: 404")


@pytest.fixture
def tls_url() -> Iterator[str]:
    """An https server with a certificate nobody trusts, on a thread's loop."""
    import ssl

    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(reply(200, "secure"))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass
        finally:
            writer.close()

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    start = asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    server = asyncio.run_coroutine_threadsafe(start, loop).result(5)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"https://localhost:{port}/"
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


def test_tls_errors_give_exit_6_and_insecure_skips_the_check(
    tls_url: str, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capfd, tls_url)
    assert (code, out) == (cli.EXIT_TLS, "")
    assert err.startswith("httpwire: error: TLS error:")
    assert ok(capfd, "-k", tls_url) == "secure"
