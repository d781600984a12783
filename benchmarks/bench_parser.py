"""HTTP/1.1 response parsing: httpwire-parser against h11, httptools and aiohttp's two parsers.

Every adapter turns the same bytes into what an HTTP client needs (status, a case-insensitive
``CIMultiDictProxy[str]`` of the headers with values decoded as UTF-8, and the body bytes) and is
checked on status, header count and body. Cases:

* ``small_json``: one response with 12 header fields and a 272-byte JSON body, fed whole;
* ``chunked_64k``: a 64 KiB body in 16 chunks of 4 KiB, fed whole;
* ``headers_40``: 40 header fields of which 8 are ``Set-Cookie``, small body, fed whole;
* ``pipelined``: 100 small responses back to back, fed in 1400-byte segments (figures per response).

Raw ``(bytes, bytes)`` header pairs: aiohttp's parsers always build them next to the headers;
httptools and h11 hand the headers over as bytes, so their adapters build the ``str`` headers
from those pairs; httpwire-parser builds them only when ``raw_headers`` is read. The ``httpwire``
row does not read them (an HTTP client needs them only when its user asks); the ``httpwire+raw``
row reads them for every response, to show what they cost.

Notes on the peers: h11 is a connection state machine, so its adapter sends the (minimal) request
each response answers, as h11 requires, and builds the CIMultiDict the client needs from h11's
lower-cased header list; httptools only calls back with raw bytes, so its adapter builds the same
CIMultiDict and raw header list; aiohttp's parsers produce both themselves and deliver the body
into a ``StreamReader``, read back here synchronously from its buffer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import h11
import httptools
from aiohttp.base_protocol import BaseProtocol
from aiohttp.http_parser import HttpResponseParserC, HttpResponseParserPy
from multidict import CIMultiDict, CIMultiDictProxy

import httpwire_parser
from benchmarks._harness import Impl, compare, note

__all__ = ["main"]

Outcome = list[tuple[int, int, bytes]]

_JSON_HEAD = (
    b'{"id":12345,"name":"httpwire","tags":["http","client","asyncio"],"stars":4096,"notes":"'
)
_JSON_TAIL = b'","active":true,"score":0.9875}'
_JSON_BODY = _JSON_HEAD + b"x" * (272 - len(_JSON_HEAD) - len(_JSON_TAIL)) + _JSON_TAIL
assert len(_JSON_BODY) == 272

_SMALL_HEADERS = [
    b"Date: Thu, 26 Nov 2026 10:00:00 GMT",
    b"Server: nginx/1.25.3",
    b"Content-Type: application/json; charset=utf-8",
    b"Content-Length: 272",
    b"Connection: keep-alive",
    b"Cache-Control: no-cache, no-store, must-revalidate",
    b"X-Request-Id: 4f2d9c1e-6b7a-4e1f-9a2b-3c4d5e6f7a8b",
    b"Vary: Accept-Encoding",
    b"Strict-Transport-Security: max-age=31536000; includeSubDomains",
    b"X-Content-Type-Options: nosniff",
    b"X-Frame-Options: DENY",
    b'ETag: "5f2b-17a9c3e0d4b"',
]
SMALL_JSON = (
    b"HTTP/1.1 200 OK\r\n" + b"".join(h + b"\r\n" for h in _SMALL_HEADERS) + b"\r\n" + _JSON_BODY
)

_CHUNK = bytes(range(256)) * 16
CHUNKED_64K = (
    b"HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\nServer: nginx/1.25.3\r\n"
    b"Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    + b"".join(b"1000\r\n" + _CHUNK + b"\r\n" for _ in range(16))
    + b"0\r\n\r\n"
)

_FORTY = [
    b"Date: Thu, 26 Nov 2026 10:00:00 GMT",
    b"Server: Apache/2.4.58 (Unix)",
    b"Content-Type: text/html; charset=utf-8",
    b"Content-Length: 13",
    b"Connection: keep-alive",
    b"Cache-Control: private, max-age=0",
    b"Expires: Thu, 26 Nov 2026 10:00:00 GMT",
    b"Last-Modified: Wed, 25 Nov 2026 08:00:00 GMT",
    b'ETag: W/"a1b2c3d4"',
    b"Vary: Accept-Encoding, Cookie",
    b"X-Frame-Options: SAMEORIGIN",
    b"X-Content-Type-Options: nosniff",
    b"X-XSS-Protection: 0",
    b"Referrer-Policy: strict-origin-when-cross-origin",
    b"Content-Security-Policy: default-src 'self'; img-src *; script-src 'self' cdn.example.org",
    b"Strict-Transport-Security: max-age=63072000; includeSubDomains; preload",
    b"Permissions-Policy: geolocation=(), microphone=()",
    b"Access-Control-Allow-Origin: https://www.example.org",
    b"Access-Control-Allow-Credentials: true",
    b"Timing-Allow-Origin: *",
    b"X-Request-Id: 0f8e7d6c-5b4a-3928-1706-f5e4d3c2b1a0",
    b"X-Runtime: 0.042317",
    b"X-Cache: MISS from edge-17",
    b"Via: 1.1 varnish (Varnish/7.4)",
    b"Age: 0",
    b"Accept-Ranges: bytes",
    b'Alt-Svc: h3=":443"; ma=86400',
    b"Server-Timing: db;dur=12.5, app;dur=30.1",
    b"Link: </static/app.css>; rel=preload; as=style",
    b'Report-To: {"group":"default","max_age":10886400}',
    b"Set-Cookie: sessionid=38afes7a8f0a9e8b7c6d; Path=/; Secure; HttpOnly; SameSite=Lax",
    b"Set-Cookie: csrftoken=Zx8yW7vU6tS5rQ4pO3nM2lK1; Path=/; Secure; SameSite=Strict",
    b"Set-Cookie: lang=en-US; Path=/; Max-Age=31536000",
    b"Set-Cookie: theme=dark; Path=/; Max-Age=31536000",
    b"Set-Cookie: _ga=GA1.2.1234567890.1234567890; Path=/; Domain=.example.org; Max-Age=63072000",
    b"Set-Cookie: _gid=GA1.2.987654321.1234567890; Path=/; Domain=.example.org; Max-Age=86400",
    b"Set-Cookie: consent=yes; Path=/; Expires=Fri, 26 Nov 2027 10:00:00 GMT",
    b"Set-Cookie: ab_test=variant-b; Path=/app",
    b"X-Powered-By: Phusion Passenger 6.0.19",
    b"X-Served-By: cache-fra-etou8220127-FRA",
]
assert len(_FORTY) == 40
HEADERS_40 = b"HTTP/1.1 200 OK\r\n" + b"".join(h + b"\r\n" for h in _FORTY) + b"\r\n<html></html>"

_PIPE_BODY = b'{"ok":true,"n":1}'
_PIPE_ONE = (
    b"HTTP/1.1 200 OK\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\nServer: nginx\r\n"
    b"Content-Type: application/json\r\nContent-Length: 17\r\nConnection: keep-alive\r\n\r\n"
    + _PIPE_BODY
)
_PIPE_STREAM = _PIPE_ONE * 100
PIPELINED = [_PIPE_STREAM[i : i + 1400] for i in range(0, len(_PIPE_STREAM), 1400)]


def _expected(status: int, count: int, body: bytes, times: int = 1) -> Outcome:
    return [(status, count, body)] * times


CASES: list[tuple[str, list[bytes], Outcome]] = [
    ("small_json", [SMALL_JSON], _expected(200, 12, _JSON_BODY)),
    ("chunked_64k", [CHUNKED_64K], _expected(200, 4, _CHUNK * 16)),
    ("headers_40", [HEADERS_40], _expected(200, 40, b"<html></html>")),
    ("pipelined", PIPELINED, _expected(200, 5, _PIPE_BODY, 100)),
]


# -- adapters: each returns [(status, header count, body)] having built the str headers ----------


def _httpwire_adapter(read_raw: bool) -> Callable[[list[bytes]], Outcome]:
    def run(segments: list[bytes]) -> Outcome:
        parser = httpwire_parser.ResponseParser()
        out: Outcome = []
        status = count = 0
        body: list[bytes] = []
        for segment in segments:
            for event in parser.feed(segment):
                cls = type(event)
                if cls is httpwire_parser.Data:
                    body.append(event.data)  # type: ignore[union-attr]
                elif cls is httpwire_parser.Response:
                    status = event.status  # type: ignore[union-attr]
                    count = len(event.headers)  # type: ignore[union-attr]
                    if read_raw:
                        event.raw_headers  # type: ignore[union-attr]  # noqa: B018 - built on access
                elif cls is httpwire_parser.EndOfMessage:
                    out.append((status, count, b"".join(body)))
                    body = []
        return out

    return run


def _h11(segments: list[bytes]) -> Outcome:
    conn = h11.Connection(h11.CLIENT)
    out: Outcome = []
    expected = sum(seg.count(b"HTTP/1.1 ") for seg in segments)
    request = h11.Request(method="GET", target="/", headers=[("Host", "example.org")])
    conn.send(request)
    conn.send(h11.EndOfMessage())
    status = count = 0
    body: list[bytes] = []
    for segment in segments:
        conn.receive_data(segment)
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                break
            cls = type(event)
            if cls is h11.Data:
                body.append(event.data)
            elif cls is h11.Response:
                status = event.status_code
                raw = list(event.headers.raw_items())
                headers = CIMultiDictProxy(
                    CIMultiDict(
                        (k.decode("ascii"), v.decode("utf-8", "surrogateescape")) for k, v in raw
                    )
                )
                count = len(headers)
            elif cls is h11.EndOfMessage:
                out.append((status, count, b"".join(body)))
                body = []
                if len(out) < expected:
                    conn.start_next_cycle()
                    conn.send(request)
                    conn.send(h11.EndOfMessage())
    return out


class _HttptoolsProtocol:
    __slots__ = ("body", "out", "parser", "raw")

    def __init__(self) -> None:
        self.out: Outcome = []
        self.raw: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.parser: Any = None

    def on_header(self, name: bytes, value: bytes) -> None:
        self.raw.append((name, value))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        raw = self.raw
        headers = CIMultiDictProxy(
            CIMultiDict((k.decode("ascii"), v.decode("utf-8", "surrogateescape")) for k, v in raw)
        )
        self.out.append((self.parser.get_status_code(), len(headers), b"".join(self.body)))
        self.raw = []
        self.body = []


def _httptools(segments: list[bytes]) -> Outcome:
    proto = _HttptoolsProtocol()
    parser = httptools.HttpResponseParser(proto)
    proto.parser = parser
    for segment in segments:
        parser.feed_data(segment)
    return proto.out


_LOOP = asyncio.new_event_loop()


def _aiohttp(parser_class: Any) -> Callable[[list[bytes]], Outcome]:
    def run(segments: list[bytes]) -> Outcome:
        protocol = BaseProtocol(_LOOP)
        parser = parser_class(protocol, _LOOP, 2**16, max_line_size=8190, max_field_size=8190)
        out: Outcome = []
        for segment in segments:
            messages, _upgraded, _tail = parser.feed_data(segment)
            for message, payload in messages:
                message.raw_headers  # noqa: B018 - already built by the parser
                out.append((message.code, len(message.headers), payload))
        return [(status, count, b"".join(getattr(p, "_buffer", ()))) for status, count, p in out]

    return run


def _checker(expected: Outcome) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert result == expected, f"got {str(result)[:200]}"

    return check


def main(quick: bool) -> None:
    note(
        "Response parsing to status + CIMultiDictProxy[str] headers + body; ratios are how many "
        "times faster httpwire-parser is. Raw header pairs: always built by aiohttp, the bytes "
        "httptools/h11 headers come as; httpwire builds them when read (row httpwire+raw)."
    )
    impls: list[tuple[str, Callable[[list[bytes]], Outcome]]] = [
        ("httpwire", _httpwire_adapter(read_raw=False)),
        ("httpwire+raw", _httpwire_adapter(read_raw=True)),
        ("aiohttp-c", _aiohttp(HttpResponseParserC)),
        ("aiohttp-py", _aiohttp(HttpResponseParserPy)),
        ("h11", _h11),
        ("httptools", _httptools),
    ]
    for title, segments, expected in CASES:
        ops = len(expected)
        compare(
            f"parser: {title}" + (" (per response)" if ops > 1 else ""),
            [
                Impl(name, (lambda fn=fn, segs=segments: fn(segs)), _checker(expected), ops=ops)
                for name, fn in impls
            ],
            quick=quick,
        )
