"""permessage-deflate negotiation (RFC 7692 §5, §7.1) and the extension header grammar."""

from __future__ import annotations

import pytest

from httpwire_websocket import (
    DeflateOffer,
    DeflateParams,
    LocalProtocolError,
    NegotiationError,
    negotiate_deflate,
    parse_extensions,
)


def test_parse_extensions() -> None:
    value = 'permessage-deflate; client_max_window_bits; server_max_window_bits="10", x-foo'
    assert parse_extensions(value) == [
        (
            "permessage-deflate",
            [("client_max_window_bits", None), ("server_max_window_bits", "10")],
        ),
        ("x-foo", []),
    ]
    assert parse_extensions("A;B=c , ,") == [("a", [("b", "c")])]
    assert parse_extensions('x; p="a\\bc"') == [("x", [("p", "abc")])]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "permessage-deflate; =1",
        "bad name",
        'x; p="unterminated',
        'x; p="a b"',
        "x; p=a b",
    ],
)
def test_parse_extensions_errors_or_empty(value: str) -> None:
    if value.strip() == "":
        assert parse_extensions(value) == []
    else:
        with pytest.raises(NegotiationError):
            parse_extensions(value)


def test_quoted_value_must_be_a_token() -> None:
    with pytest.raises(NegotiationError):
        parse_extensions('x; p="a,b"')


def test_offer_headers() -> None:
    assert DeflateOffer().to_header() == "permessage-deflate; client_max_window_bits"
    offer = DeflateOffer(
        server_no_context_takeover=True,
        client_no_context_takeover=True,
        server_max_window_bits=10,
        client_max_window_bits=12,
    )
    assert offer.to_header() == (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=10; client_max_window_bits=12"
    )
    assert DeflateOffer(client_max_window_bits=False).to_header() == "permessage-deflate"


def test_offer_from_aiohttp_compress() -> None:
    assert DeflateOffer.from_aiohttp_compress(0) is None
    assert DeflateOffer.from_aiohttp_compress(15) == DeflateOffer()
    assert DeflateOffer.from_aiohttp_compress(10) == DeflateOffer(server_max_window_bits=10)
    for bad in (8, 16, -1):
        with pytest.raises(LocalProtocolError):
            DeflateOffer.from_aiohttp_compress(bad)


def test_bits_validated_in_constructors() -> None:
    with pytest.raises(LocalProtocolError):
        DeflateOffer(server_max_window_bits=7)
    with pytest.raises(LocalProtocolError):
        DeflateOffer(client_max_window_bits=16)
    with pytest.raises(LocalProtocolError):
        DeflateParams(server_max_window_bits=16)


def test_accept_plain_response() -> None:
    assert DeflateOffer().accept([]) == DeflateParams()


def test_accept_all_parameters() -> None:
    params = DeflateOffer().accept(
        [
            ("server_no_context_takeover", None),
            ("client_no_context_takeover", None),
            ("server_max_window_bits", "9"),
            ("client_max_window_bits", "8"),
        ]
    )
    assert params == DeflateParams(True, True, 9, 8)
    assert params.to_header() == (
        "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
        "server_max_window_bits=9; client_max_window_bits=8"
    )


def test_client_no_context_takeover_offered_is_kept() -> None:
    assert DeflateOffer(client_no_context_takeover=True).accept([]).client_no_context_takeover


def test_offered_client_bits_cap_our_window() -> None:
    assert DeflateOffer(client_max_window_bits=10).accept([]).client_max_window_bits == 10


@pytest.mark.parametrize(
    ("offer", "params", "match"),
    [
        (DeflateOffer(), [("x", None)], "Unknown"),
        (DeflateOffer(), [("server_no_context_takeover", "1")], "no value"),
        (DeflateOffer(), [("server_max_window_bits", None)], "8 to 15"),
        (DeflateOffer(), [("server_max_window_bits", "7")], "8 to 15"),
        (DeflateOffer(), [("server_max_window_bits", "16")], "8 to 15"),
        (DeflateOffer(), [("server_max_window_bits", "010")], "8 to 15"),
        (DeflateOffer(), [("client_max_window_bits", None)], "8 to 15"),
        (
            DeflateOffer(client_max_window_bits=False),
            [("client_max_window_bits", "9")],
            "not offered",
        ),
        (DeflateOffer(client_max_window_bits=10), [("client_max_window_bits", "11")], "exceeds"),
        (DeflateOffer(server_max_window_bits=10), [("server_max_window_bits", "11")], "exceeds"),
        (DeflateOffer(server_max_window_bits=10), [], "ignored"),
        (DeflateOffer(server_no_context_takeover=True), [], "ignored"),
        (
            DeflateOffer(),
            [("server_no_context_takeover", None), ("server_no_context_takeover", None)],
            "Repeated",
        ),
    ],
)
def test_accept_rejects(
    offer: DeflateOffer, params: list[tuple[str, str | None]], match: str
) -> None:
    with pytest.raises(NegotiationError, match=match):
        offer.accept(params)


def test_server_negotiation() -> None:
    assert negotiate_deflate("") is None
    assert negotiate_deflate("x-other") is None
    assert negotiate_deflate("permessage-deflate") == DeflateParams()
    assert negotiate_deflate(
        "permessage-deflate; client_max_window_bits; server_max_window_bits=12"
    ) == DeflateParams(server_max_window_bits=12)
    assert negotiate_deflate(
        "permessage-deflate; client_max_window_bits=9; client_no_context_takeover"
    ) == DeflateParams(client_no_context_takeover=True, client_max_window_bits=9)
    assert negotiate_deflate(
        "permessage-deflate", server_no_context_takeover=True, server_max_window_bits=11
    ) == DeflateParams(server_no_context_takeover=True, server_max_window_bits=11)


def test_server_negotiation_skips_bad_offers() -> None:
    header = (
        "permessage-deflate; unknown, permessage-deflate; server_max_window_bits=8, "
        "permessage-deflate; server_max_window_bits=20, "
        "permessage-deflate; client_max_window_bits; client_max_window_bits, "
        "permessage-deflate; server_no_context_takeover=1, "
        "permessage-deflate; server_max_window_bits=13"
    )
    assert negotiate_deflate(header) == DeflateParams(server_max_window_bits=13)
    assert negotiate_deflate("permessage-deflate; unknown") is None


def test_server_and_client_agree() -> None:
    offer = DeflateOffer(server_max_window_bits=11, client_no_context_takeover=True)
    agreed = negotiate_deflate(offer.to_header())
    assert agreed is not None
    ((name, params),) = parse_extensions(agreed.to_header())
    assert name == "permessage-deflate"
    assert offer.accept(params) == agreed
