"""Client opening handshake: request headers and validation of the 101 response."""

from __future__ import annotations

import base64

import pytest

from httpwire_websocket import (
    ClientHandshake,
    DeflateOffer,
    DeflateParams,
    HandshakeResult,
    InvalidHeaderError,
    InvalidStatusError,
    LocalProtocolError,
    NegotiationError,
    accept_token,
    generate_key,
)

RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ=="
RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def good_headers(key: str = RFC_KEY, **extra: str) -> list[tuple[str, str]]:
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Accept", accept_token(key)),
    ]
    headers += [(name.replace("_", "-"), value) for name, value in extra.items()]
    return headers


def test_accept_token_matches_rfc_example() -> None:
    assert accept_token(RFC_KEY) == RFC_ACCEPT


def test_generate_key() -> None:
    keys = {generate_key() for _ in range(100)}
    assert len(keys) == 100
    for key in keys:
        assert len(base64.b64decode(key, validate=True)) == 16


def test_request_headers_minimal() -> None:
    handshake = ClientHandshake.create(key=RFC_KEY)
    assert handshake.request_headers() == [
        ("Upgrade", "websocket"),
        ("Connection", "Upgrade"),
        ("Sec-WebSocket-Key", RFC_KEY),
        ("Sec-WebSocket-Version", "13"),
    ]


def test_request_headers_full() -> None:
    handshake = ClientHandshake.create(
        protocols=["chat", "superchat"], origin="http://example.com", compress=15
    )
    headers = dict(handshake.request_headers())
    assert headers["Sec-WebSocket-Protocol"] == "chat, superchat"
    assert headers["Sec-WebSocket-Extensions"] == "permessage-deflate; client_max_window_bits"
    assert headers["Origin"] == "http://example.com"
    assert len(base64.b64decode(headers["Sec-WebSocket-Key"])) == 16


def test_explicit_deflate_offer_wins_over_compress() -> None:
    offer = DeflateOffer(server_no_context_takeover=True)
    assert ClientHandshake.create(deflate=offer, compress=9).deflate is offer
    assert ClientHandshake.create(compress=10).deflate == DeflateOffer(server_max_window_bits=10)


def test_invalid_protocol_names() -> None:
    for bad in ("", "has space", "comma,inside"):
        with pytest.raises(LocalProtocolError):
            ClientHandshake.create(protocols=[bad])


def test_valid_response() -> None:
    result = ClientHandshake.create(key=RFC_KEY).validate_response(101, good_headers())
    assert result == HandshakeResult(None, None, None)


def test_header_names_and_tokens_case_insensitive() -> None:
    headers = {
        "upgrade": "WebSocket",
        "CONNECTION": "keep-alive, UPGRADE",
        "sec-websocket-accept": RFC_ACCEPT,
    }
    assert ClientHandshake.create(key=RFC_KEY).validate_response(101, headers).protocol is None


def test_connection_split_over_repeated_headers() -> None:
    headers = [
        ("Upgrade", "websocket"),
        ("Connection", "keep-alive"),
        ("Connection", "upgrade"),
        ("Sec-WebSocket-Accept", RFC_ACCEPT),
    ]
    ClientHandshake.create(key=RFC_KEY).validate_response(101, headers)


def test_bad_status() -> None:
    with pytest.raises(InvalidStatusError) as info:
        ClientHandshake.create(key=RFC_KEY).validate_response(200, good_headers())
    assert info.value.status == 200


@pytest.mark.parametrize(
    ("headers", "name"),
    [
        ([("Connection", "Upgrade"), ("Sec-WebSocket-Accept", RFC_ACCEPT)], "Upgrade"),
        (
            [("Upgrade", "h2c"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", RFC_ACCEPT)],
            "Upgrade",
        ),
        ([("Upgrade", "websocket"), ("Sec-WebSocket-Accept", RFC_ACCEPT)], "Connection"),
        (
            [
                ("Upgrade", "websocket"),
                ("Connection", "close"),
                ("Sec-WebSocket-Accept", RFC_ACCEPT),
            ],
            "Connection",
        ),
        ([("Upgrade", "websocket"), ("Connection", "Upgrade")], "Sec-WebSocket-Accept"),
        (
            [
                ("Upgrade", "websocket"),
                ("Connection", "Upgrade"),
                ("Sec-WebSocket-Accept", RFC_ACCEPT),
                ("Sec-WebSocket-Accept", RFC_ACCEPT),
            ],
            "Sec-WebSocket-Accept",
        ),
        (
            [("Upgrade", "websocket"), ("Connection", "Upgrade"), ("Sec-WebSocket-Accept", "x")],
            "Sec-WebSocket-Accept",
        ),
    ],
)
def test_bad_headers(headers: list[tuple[str, str]], name: str) -> None:
    with pytest.raises(InvalidHeaderError) as info:
        ClientHandshake.create(key=RFC_KEY).validate_response(101, headers)
    assert info.value.name == name


def test_protocol_negotiation() -> None:
    handshake = ClientHandshake.create(key=RFC_KEY, protocols=["chat", "v2"])
    result = handshake.validate_response(101, good_headers(Sec_WebSocket_Protocol="v2"))
    assert result.protocol == "v2"
    assert handshake.validate_response(101, good_headers()).protocol is None
    with pytest.raises(NegotiationError, match="not offered"):
        handshake.validate_response(101, good_headers(Sec_WebSocket_Protocol="v3"))
    with pytest.raises(NegotiationError, match="several"):
        handshake.validate_response(101, good_headers(Sec_WebSocket_Protocol="chat, v2"))
    with pytest.raises(NegotiationError):
        ClientHandshake.create(key=RFC_KEY).validate_response(
            101, good_headers(Sec_WebSocket_Protocol="chat")
        )


def test_extension_negotiation() -> None:
    handshake = ClientHandshake.create(key=RFC_KEY, compress=15)
    value = "permessage-deflate; server_no_context_takeover; client_max_window_bits=10"
    result = handshake.validate_response(101, good_headers(Sec_WebSocket_Extensions=value))
    assert result.deflate == DeflateParams(
        server_no_context_takeover=True, client_max_window_bits=10
    )
    assert result.extensions == value
    assert handshake.validate_response(101, good_headers()).deflate is None


@pytest.mark.parametrize(
    "value",
    [
        "x-unknown",
        "permessage-deflate, permessage-deflate",
        "permessage-deflate; server_max_window_bits=7",
        "permessage-deflate; foo",
    ],
)
def test_extension_negotiation_errors(value: str) -> None:
    handshake = ClientHandshake.create(key=RFC_KEY, compress=15)
    with pytest.raises(NegotiationError):
        handshake.validate_response(101, good_headers(Sec_WebSocket_Extensions=value))


def test_extension_not_offered() -> None:
    with pytest.raises(NegotiationError, match="not offered"):
        ClientHandshake.create(key=RFC_KEY).validate_response(
            101, good_headers(Sec_WebSocket_Extensions="permessage-deflate")
        )


def test_headers_from_an_email_message_keep_repeats() -> None:
    import email.message

    message = email.message.Message()
    for name, value in good_headers():
        message[name] = value
    message["Connection"] = "keep-alive"
    handshake = ClientHandshake.create(key=RFC_KEY)
    assert handshake.validate_response(101, message).protocol is None  # type: ignore[arg-type]
    message["sec-websocket-accept"] = RFC_ACCEPT
    with pytest.raises(InvalidHeaderError, match="exactly one"):
        handshake.validate_response(101, message)  # type: ignore[arg-type]


def test_headers_that_are_not_pairs() -> None:
    with pytest.raises(InvalidHeaderError, match="pairs"):
        ClientHandshake.create(key=RFC_KEY).validate_response(101, ["Upgrade"])  # type: ignore[list-item]
