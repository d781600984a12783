"""WSMsgType, WSMessage and WSCloseCode match aiohttp's values and names."""

from __future__ import annotations

import json
from decimal import Decimal

from httpwire_websocket import WSCloseCode, WSMessage, WSMsgType


def test_opcode_values() -> None:
    expected = {
        "CONTINUATION": 0,
        "TEXT": 1,
        "BINARY": 2,
        "CLOSE": 8,
        "PING": 9,
        "PONG": 10,
        "CLOSING": 256,
        "CLOSED": 257,
        "ERROR": 258,
    }
    assert {name: WSMsgType[name].value for name in expected} == expected


def test_lowercase_aliases_are_the_same_members() -> None:
    assert WSMsgType.text is WSMsgType.TEXT
    assert WSMsgType.binary is WSMsgType.BINARY
    assert WSMsgType.ping is WSMsgType.PING
    assert WSMsgType.pong is WSMsgType.PONG
    assert WSMsgType.close is WSMsgType.CLOSE
    assert WSMsgType.closing is WSMsgType.CLOSING
    assert WSMsgType.closed is WSMsgType.CLOSED
    assert WSMsgType.error is WSMsgType.ERROR


def test_close_codes() -> None:
    assert WSCloseCode.OK == 1000
    assert WSCloseCode.GOING_AWAY == 1001
    assert WSCloseCode.PROTOCOL_ERROR == 1002
    assert WSCloseCode.UNSUPPORTED_DATA == 1003
    assert WSCloseCode.ABNORMAL_CLOSURE == 1006
    assert WSCloseCode.INVALID_TEXT == 1007
    assert WSCloseCode.POLICY_VIOLATION == 1008
    assert WSCloseCode.MESSAGE_TOO_BIG == 1009
    assert WSCloseCode.MANDATORY_EXTENSION == 1010
    assert WSCloseCode.INTERNAL_ERROR == 1011
    assert WSCloseCode.SERVICE_RESTART == 1012
    assert WSCloseCode.TRY_AGAIN_LATER == 1013
    assert WSCloseCode.BAD_GATEWAY == 1014


def test_message_is_a_named_tuple() -> None:
    msg = WSMessage(WSMsgType.TEXT, "hi", "")
    assert msg == (WSMsgType.TEXT, "hi", "")
    assert msg.type is WSMsgType.TEXT
    assert msg.data == "hi"
    assert msg.extra == ""
    kind, data, extra = msg
    assert (kind, data, extra) == (WSMsgType.TEXT, "hi", "")


def test_message_json_default_and_custom_loads() -> None:
    msg = WSMessage(WSMsgType.TEXT, '{"a": [1, 2.5]}', "")
    assert msg.json() == {"a": [1, 2.5]}
    assert msg.json(loads=lambda s: json.loads(s, parse_float=Decimal)) == {
        "a": [1, Decimal("2.5")]
    }


def test_message_json_accepts_bytes() -> None:
    assert WSMessage(WSMsgType.BINARY, b"[1]", "").json() == [1]
