"""An independent reading of multipart bodies for the tests: the standard library's email parser."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser


@dataclass
class ParsedPart:
    """One part as :mod:`email` reads it: headers, decoded body, form name and file name."""

    headers: dict[str, str]
    body: bytes
    name: str | None
    filename: str | None


def parse_multipart(content_type: str, body: bytes) -> list[ParsedPart]:
    """The parts of a multipart body, parsed by :mod:`email` (transfer encodings undone)."""
    raw = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = BytesParser(policy=policy.HTTP).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    assert message.is_multipart(), content_type
    assert not message.defects, message.defects
    parts = []
    for part in message.iter_parts():
        assert isinstance(part, EmailMessage)
        assert not part.defects, part.defects
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        parts.append(
            ParsedPart(
                headers={k: str(v) for k, v in part.items()},
                body=payload if isinstance(payload, bytes) else b"",
                name=name if isinstance(name, str) else None,
                filename=part.get_filename(),
            )
        )
    return parts
