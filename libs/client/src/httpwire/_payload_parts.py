"""A part read from a multipart body, sent on as a request body or as a part of a new one.

Passing a :class:`~httpwire.multipart.BodyPartReader` as ``data=`` or to
``MultipartWriter.append()`` streams the part's decoded bytes, as aiohttp's
``BodyPartReaderPayload`` does: a multipart upload can be relayed without holding a part in
memory. The part's transfer and content encodings are undone on the way (the new part carries
neither); its name and file name become the new part's Content-Disposition and, unless one is
given, its Content-Type is kept.
"""

from __future__ import annotations

from typing import Any

from httpwire_parser import ContentDecoder, ContentEncodingError

from ._multipart_reader import _CONTENT_CODINGS, DEFAULT_CHUNK_SIZE, BodyPartReader
from ._payload_base import Payload
from .abc import AbstractStreamWriter
from .exceptions import ClientPayloadError

__all__: list[str] = []


class BodyPartReaderPayload(Payload):
    """The decoded bytes of a :class:`BodyPartReader`, read as they are sent; written once."""

    _value: BodyPartReader

    def __init__(self, value: BodyPartReader, *args: Any, **kwargs: Any) -> None:
        if args:
            names = ("headers", "content_type", "filename", "encoding")
            kwargs.update(zip(names, args, strict=False))
        if kwargs.get("content_type") is None and "Content-Type" in value.headers:
            kwargs["content_type"] = value.headers["Content-Type"]
        super().__init__(value, **kwargs)
        params: dict[str, str] = {}
        if value.name is not None:
            params["name"] = value.name
        if value.filename is not None:
            params["filename"] = value.filename
        if params:
            self.set_content_disposition("attachment", True, **params)

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """A part being relayed cannot be shown without consuming it."""
        raise TypeError("Unable to decode.")

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """Refused: a relayed part is streamed once through :meth:`write`, never buffered."""
        raise TypeError("Unable to read body part as bytes. Use write() to consume.")

    async def write(self, writer: AbstractStreamWriter) -> None:
        """Read the part in chunks, undo its encodings and write what comes out."""
        if self._consumed:
            raise ClientPayloadError("the multipart part was already sent")
        # Reading drains the part's stream: from here on there is nothing to replay.
        self._consumed = True
        part = self._value
        headers = part.headers
        transfer = "Content-Transfer-Encoding" in headers
        coding = headers.get("Content-Encoding", "").lower() if not part._is_form_data else ""
        if coding and coding not in _CONTENT_CODINGS:
            raise RuntimeError(f"unknown content encoding: {coding}")
        decoder = ContentDecoder.create(coding, piece_size=DEFAULT_CHUNK_SIZE) if coding else None
        try:
            while chunk := await part.read_chunk(DEFAULT_CHUNK_SIZE):
                if transfer:
                    chunk = part._decode_content_transfer(chunk)
                if decoder is None:
                    await writer.write(chunk)
                    continue
                for piece in decoder.decode(chunk):
                    await writer.write(piece)
            if decoder is not None:
                decoder.finish()
        except ContentEncodingError as exc:
            raise ClientPayloadError(f"cannot decode multipart part: {exc}") from exc
