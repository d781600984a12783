"""``httpwire``: a small curl-like command-line client on top of :class:`httpwire.ClientSession`.

Installed with the ``cli`` extra (``pip install "httpwire[cli]"``), which adds ``rich`` for the
terminal output; the library itself needs nothing more. Run ``httpwire --help``.

Exit codes, for scripts:

==== =====================================================================
0    the request was answered (any status, unless ``--fail``)
1    network or connection error (refused, reset, DNS, proxy, bad response)
2    usage error: bad arguments or input (a header, JSON, a file, a URL)
3    timeout
4    the status was 400 or more and ``--fail`` was given
5    too many redirects
6    TLS error (certificate, handshake)
130  interrupted (Ctrl-C)
==== =====================================================================
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from yarl import URL

from ._version import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from ._helpers import HttpVersion
    from ._reqrep import ClientResponse

__all__ = ["main"]

EXIT_OK = 0
EXIT_NETWORK = 1
EXIT_USAGE = 2
EXIT_TIMEOUT = 3
EXIT_HTTP_ERROR = 4
EXIT_REDIRECTS = 5
EXIT_TLS = 6
EXIT_INTERRUPTED = 130

_EPILOG = """\
exit codes: 0 answered (any status unless --fail), 1 network or connection error,
2 usage error, 3 timeout, 4 status >= 400 with --fail, 5 too many redirects,
6 TLS error, 130 interrupted.

examples:
  httpwire https://example.org/
  httpwire -v POST https://api.example/items --json '{"name": "widget"}'
  httpwire -F title=report -F file@report.pdf https://example.org/upload
  httpwire -L -o big.iso https://example.org/big.iso
"""


class UsageError(Exception):
    """Bad arguments or input: reported on one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and an exception, not an exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see httpwire --help)")


def _parser() -> _Parser:
    parser = _Parser(
        prog="httpwire",
        description="Send one HTTP request with httpwire and print the response.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "target",
        nargs="+",
        metavar="[METHOD] URL",
        help="the URL, optionally after the method (default GET, or POST with a body)",
    )
    parser.add_argument("-X", "--method", help="the request method")
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        metavar="'NAME: VALUE'",
        help="add a request header (repeatable)",
    )
    body = parser.add_mutually_exclusive_group()
    body.add_argument(
        "-d", "--data", metavar="DATA", help="request body: a string, @FILE, or @- for stdin"
    )
    body.add_argument("--json", metavar="JSON", help="a JSON body (validated), or @FILE")
    body.add_argument(
        "-F",
        "--form",
        action="append",
        metavar="NAME=VALUE|NAME@FILE",
        help="a form field, or a file to upload as multipart (repeatable)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the body to FILE")
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar with -o (default: when stderr is a terminal)",
    )
    progress.add_argument("--no-progress", dest="progress", action="store_false")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="print the request and response heads"
    )
    parser.add_argument(
        "-i", "--include", action="store_true", help="print the response head before the body"
    )
    parser.add_argument("-L", "--follow", action="store_true", help="follow redirects")
    parser.add_argument(
        "--max-redirects",
        type=int,
        default=10,
        metavar="N",
        help="redirects to follow with -L (default 10)",
    )
    parser.add_argument("-u", "--auth", metavar="USER:PASSWORD", help="basic authentication")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="total time allowed")
    parser.add_argument("--proxy", metavar="URL", help="send the request through this proxy")
    parser.add_argument(
        "-k", "--insecure", action="store_true", help="do not verify the server's certificate"
    )
    parser.add_argument("--http1.0", dest="http10", action="store_true", help="speak HTTP/1.0")
    parser.add_argument(
        "--fail", action="store_true", help="exit with 4 when the status is 400 or more"
    )
    parser.add_argument("--version", action="version", version=f"httpwire {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    try:
        from rich.console import Console
    except ImportError:
        print(
            "httpwire: error: the command-line client needs the 'cli' extra: "
            "pip install 'httpwire[cli]'",
            file=sys.stderr,
        )
        return EXIT_USAGE
    err = Console(stderr=True, highlight=False)
    try:
        try:
            args = _parser().parse_args(argv)
        except SystemExit as exc:  # --help and --version
            return exc.code if isinstance(exc.code, int) else EXIT_OK
        return asyncio.run(_run(args, err))
    except UsageError as exc:
        return _fail(err, str(exc), EXIT_USAGE)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED


def _fail(err: Console, message: str, code: int) -> int:
    err.print(f"httpwire: error: {message}", markup=False, soft_wrap=True, style="bold red")
    return code


def _request_parts(args: argparse.Namespace) -> tuple[str, URL]:
    target = list(args.target)
    method = args.method
    if len(target) == 2:
        if method is not None and method.upper() != target[0].upper():
            raise UsageError(f"two methods given: {target[0]!r} and -X {method!r}")
        method, target = target[0], target[1:]
    if len(target) != 1:
        raise UsageError(f"expected [METHOD] URL, got {' '.join(args.target)!r}")
    raw = target[0]
    if "://" not in raw:
        raw = "http://" + raw  # as curl does
    try:
        url = URL(raw)
    except ValueError as exc:
        raise UsageError(f"invalid URL {target[0]!r}: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise UsageError(f"invalid URL {target[0]!r}: an http or https URL with a host is needed")
    if method is None:
        method = "POST" if args.data or args.json or args.form else "GET"
    method = method.upper()
    if not method.isascii() or not method.isalpha():
        raise UsageError(f"invalid method {method!r}")
    return method, url


def _headers(values: list[str]) -> list[tuple[str, str]]:
    headers = []
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip() or name != name.strip():
            raise UsageError(f"invalid header {value!r}: expected 'Name: value'")
        headers.append((name, rest.strip()))
    return headers


def _read_source(value: str, what: str) -> bytes:
    """``value`` itself, or the bytes of the file it names with ``@`` (``@-``: stdin)."""
    if not value.startswith("@"):
        return value.encode()
    if value == "@-":
        return sys.stdin.buffer.read()
    try:
        return Path(value[1:]).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {what} file {value[1:]!r}: {exc.strerror}") from None


def _body(args: argparse.Namespace) -> dict[str, Any]:
    import httpwire

    if args.data is not None:
        return {"data": _read_source(args.data, "data")}
    if args.json is not None:
        text = _read_source(args.json, "JSON")
        try:
            return {"json": json.loads(text)}
        except ValueError as exc:
            raise UsageError(f"invalid JSON: {exc}") from None
    if args.form:
        form = httpwire.FormData()
        files: list[IO[bytes]] = []
        for field in args.form:
            eq, at = field.find("="), field.find("@")
            if at > 0 and (eq < 0 or at < eq):
                name, path = field[:at], field[at + 1 :]
                try:
                    handle = Path(path).open("rb")  # noqa: SIM115 - closed by the payload
                except OSError as exc:
                    raise UsageError(f"cannot read form file {path!r}: {exc.strerror}") from None
                files.append(handle)
                form.add_field(name, handle, filename=Path(path).name)
            elif eq > 0:
                form.add_field(field[:eq], field[eq + 1 :])
            else:
                raise UsageError(f"invalid form field {field!r}: expected NAME=VALUE or NAME@FILE")
        return {"data": form}
    return {}


async def _run(args: argparse.Namespace, err: Console) -> int:
    import httpwire

    method, url = _request_parts(args)
    headers = _headers(args.header)
    body = _body(args)
    if args.auth is not None:
        user, sep, password = args.auth.partition(":")
        if not sep:
            raise UsageError("invalid --auth: expected USER:PASSWORD")
        if any(name.lower() == "authorization" for name, _ in headers):
            raise UsageError("--auth and an Authorization header (-H) cannot be combined")
        headers.append(("Authorization", httpwire.encode_basic_auth(user, password)))
    if args.timeout is not None and not args.timeout > 0:
        raise UsageError("--timeout must be a positive number of seconds")
    if args.max_redirects < 1:
        raise UsageError("--max-redirects must be at least 1")
    proxy = None
    if args.proxy is not None:
        proxy = URL(args.proxy if "://" in args.proxy else "http://" + args.proxy)
    timeout = httpwire.ClientTimeout(total=args.timeout)
    version = httpwire.HttpVersion10 if args.http10 else httpwire.HttpVersion11
    try:
        async with (
            httpwire.ClientSession(timeout=timeout, version=version) as session,
            session.request(
                method,
                url,
                headers=headers,
                allow_redirects=args.follow,
                max_redirects=args.max_redirects,
                proxy=proxy,
                ssl=not args.insecure,
                **body,
            ) as resp,
        ):
            if args.verbose:
                for hop in (*resp.history, resp):
                    _print_request(err, hop, version)
                    _print_response(err, hop)
            if args.include:
                sys.stdout.buffer.write(_head_bytes(resp))
                sys.stdout.buffer.flush()
            await _write_body(resp, args, err)
            if args.fail and resp.status >= 400:
                return _fail(err, f"{resp.status} {resp.reason} from {resp.url}", 4)
    except httpwire.TooManyRedirects as exc:
        last = exc.history[-1].url if exc.history else exc.request_info.real_url
        message = f"more than {args.max_redirects} redirects, the last to {last}"
        return _fail(err, message, EXIT_REDIRECTS)
    except (httpwire.ClientConnectorCertificateError, httpwire.ClientSSLError) as exc:
        return _fail(err, f"TLS error: {exc}", EXIT_TLS)
    except TimeoutError as exc:
        detail = f": {exc}" if str(exc) else ""
        return _fail(err, f"timed out{detail}", EXIT_TIMEOUT)
    except httpwire.InvalidURL as exc:
        raise UsageError(f"invalid URL: {exc}") from None
    except (httpwire.ClientError, OSError) as exc:
        return _fail(err, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, 1)
    except ValueError as exc:  # a header or argument the request refused before sending
        raise UsageError(str(exc)) from None
    return EXIT_OK


def _version(resp: ClientResponse) -> str:
    version = resp.version
    return "HTTP/1.1" if version is None else f"HTTP/{version.major}.{version.minor}"


def _head_bytes(resp: ClientResponse) -> bytes:
    lines = [f"{_version(resp)} {resp.status} {resp.reason}"]
    lines += [
        f"{name.decode('latin-1')}: {value.decode('latin-1')}" for name, value in resp.raw_headers
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _print_request(err: Console, resp: ClientResponse, version: HttpVersion) -> None:
    info = resp.request_info
    line = f"> {info.method} {info.url.raw_path_qs} HTTP/{version.major}.{version.minor}"
    err.print(line, markup=False, soft_wrap=True, style="cyan")
    for name, value in info.headers.items():
        err.print(f"> {name}: {value}", markup=False, soft_wrap=True, style="cyan")
    err.print(">", markup=False, soft_wrap=True, style="cyan")


def _print_response(err: Console, resp: ClientResponse) -> None:
    version = _version(resp)
    style = "green" if resp.status < 400 else "red"
    err.print(
        f"< {version} {resp.status} {resp.reason}",
        markup=False,
        soft_wrap=True,
        style=f"bold {style}",
    )
    for name, value in resp.raw_headers:
        err.print(
            f"< {name.decode('latin-1')}: {value.decode('latin-1')}", markup=False, soft_wrap=True
        )
    err.print("<", markup=False, soft_wrap=True)


async def _write_body(resp: ClientResponse, args: argparse.Namespace, err: Console) -> None:
    if args.output is None:
        out = sys.stdout.buffer
        async for chunk in resp.content.iter_chunked(1 << 16):
            out.write(chunk)
        out.flush()
        return
    show = err.is_terminal if args.progress is None else args.progress
    try:
        handle = Path(args.output).open("wb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise UsageError(f"cannot write {args.output!r}: {exc.strerror}") from None
    with handle:
        if not show:
            async for chunk in resp.content.iter_chunked(1 << 16):
                handle.write(chunk)
            return
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TransferSpeedColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TransferSpeedColumn(),
        )
        with Progress(*columns, console=err) as progress:
            task = progress.add_task(Path(args.output).name, total=resp.content_length)
            async for chunk in resp.content.iter_chunked(1 << 16):
                handle.write(chunk)
                progress.advance(task, len(chunk))
