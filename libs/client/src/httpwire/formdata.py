"""HTML form bodies: :class:`FormData` builds ``application/x-www-form-urlencoded`` or
``multipart/form-data``, whichever its fields need.

A form stays urlencoded while every field is a plain name and text value; a file, a
``content_type`` or a ``filename`` makes it multipart, as in aiohttp. Field names, file names and
content types are checked for CR, LF and other controls as they are added, so a bad field fails
at :meth:`FormData.add_field`, before any connection is taken.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlencode

from multidict import MultiDict, MultiDictProxy

from ._mime import check_header_text, guess_filename
from ._multipart_writer import MultipartWriter
from ._payload_base import Payload, PayloadLookupError
from ._payload_files import IOBasePayload
from ._payload_memory import BytesPayload
from .payload import get_payload

__all__ = ["FormData"]

_Field = tuple[MultiDict[str], dict[str, str], Any]


class FormData:
    """Form fields, sent urlencoded or as ``multipart/form-data``; calling it gives the payload.

    ``fields`` may be a dict, a MultiDict, a sequence of ``(name, value)`` pairs or file
    objects. ``quote_fields`` percent-encodes file names and escapes names in multipart
    Content-Disposition headers (aiohttp 3.14's quoting); ``charset`` encodes the urlencoded
    form and text parts. ``default_to_multipart`` sends multipart even for plain fields.
    """

    def __init__(
        self,
        fields: Iterable[Any] = (),
        quote_fields: bool = True,
        charset: str | None = None,
        *,
        default_to_multipart: bool = False,
    ) -> None:
        self._writer: MultipartWriter | None = None
        self._fields: list[_Field] = []
        self._is_multipart = default_to_multipart
        self._quote_fields = quote_fields
        self._charset = charset
        if isinstance(fields, dict):
            fields = list(fields.items())
        elif not isinstance(fields, (list, tuple)):
            fields = (fields,)
        self.add_fields(*fields)

    @property
    def is_multipart(self) -> bool:
        """Whether calling the form gives a ``multipart/form-data`` body."""
        return self._is_multipart

    def add_field(
        self,
        name: str,
        value: Any,
        *,
        content_type: str | None = None,
        filename: str | None = None,
        content_transfer_encoding: str | None = None,
    ) -> None:
        """Add one field; a file object, ``content_type`` or ``filename`` makes the form multipart.

        ``value`` is text, bytes (sent as a file named after the field, with a
        DeprecationWarning, as aiohttp does), a file object, or anything a payload kind handles
        (checked when the form is called). Names and headers with CR or LF raise
        :class:`ValueError`; a ``filename`` or ``content_type`` that is not a str,
        :class:`TypeError`.
        """
        if not isinstance(name, str):
            raise TypeError(f"field name must be str, not {type(name).__name__!r}")
        if isinstance(value, io.IOBase):
            self._is_multipart = True
        elif (
            isinstance(value, (bytes, bytearray, memoryview))
            and filename is None
            and content_transfer_encoding is None
        ):
            warnings.warn(
                "In v4, passing bytes will no longer create a file field. "
                "Please explicitly use the filename parameter or pass a BytesIO object.",
                DeprecationWarning,
                stacklevel=2,
            )
            filename = name
        check_header_text(name, "form field name")
        options: MultiDict[str] = MultiDict({"name": name})
        if filename is not None and not isinstance(filename, str):
            raise TypeError(f"filename must be an instance of str. Got: {filename!r}")
        if filename is None and isinstance(value, io.IOBase):
            filename = guess_filename(value, name)
        if filename is not None:
            check_header_text(filename, "form file name")
            options["filename"] = filename
            self._is_multipart = True
        headers: dict[str, str] = {}
        if content_type is not None:
            if not isinstance(content_type, str):
                raise TypeError(f"content_type must be an instance of str. Got: {content_type!r}")
            headers["Content-Type"] = check_header_text(content_type, "form field content type")
            self._is_multipart = True
        if content_transfer_encoding is not None:
            if not isinstance(content_transfer_encoding, str):
                raise TypeError(
                    "content_transfer_encoding must be an instance of str. "
                    f"Got: {content_transfer_encoding!r}"
                )
            warnings.warn(
                "content_transfer_encoding is deprecated. "
                "To maintain compatibility with v4 please pass a BytesPayload.",
                DeprecationWarning,
                stacklevel=2,
            )
            self._is_multipart = True
        self._fields.append((options, headers, value))

    def add_fields(self, *fields: Any) -> None:
        """Add file objects, MultiDicts and ``(name, value)`` pairs; anything else: TypeError."""
        pending = list(fields)
        while pending:
            item = pending.pop(0)
            if isinstance(item, io.IOBase):
                self.add_field(guess_filename(item, "unknown") or "unknown", item)
            elif isinstance(item, (MultiDictProxy, MultiDict)):
                pending.extend(item.items())
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                key, value = item
                self.add_field(key, value)
            else:
                raise TypeError(
                    "Only io.IOBase, multidict and (name, file) pairs allowed, use .add_field() "
                    f"for passing more complex parameters, got {item!r}"
                )

    def _urlencoded(self) -> BytesPayload:
        pairs: list[tuple[str, Any]] = []
        for options, _, value in self._fields:
            items = value if isinstance(value, (list, tuple)) else (value,)
            if not all(isinstance(item, (str, int, float)) for item in items):
                raise TypeError(
                    f"form field {options['name']!r}: a urlencoded value must be str, int, "
                    f"float or a list of them, not {type(value).__name__!r} (give a filename "
                    "or content_type to send it as a multipart part)"
                )
            pairs.append((options["name"], value))
        charset = "utf-8" if self._charset is None else self._charset
        content_type = "application/x-www-form-urlencoded"
        if charset != "utf-8":
            content_type += f"; charset={charset}"
        return BytesPayload(
            urlencode(pairs, doseq=True, encoding=charset).encode(),
            content_type=content_type,
        )

    def _multipart(self) -> MultipartWriter:
        if self._writer is not None:
            return self._writer
        writer = MultipartWriter("form-data")
        for options, headers, value in self._fields:
            try:
                part = get_payload(
                    value,
                    content_type=headers.get("Content-Type"),
                    headers=headers,
                    encoding=self._charset,
                )
            except PayloadLookupError:
                raise TypeError(
                    f"form field {options['name']!r}: cannot send a value of type "
                    f"{type(value).__name__!r} (give str, bytes or a file object)"
                ) from None
            part.set_content_disposition(
                "form-data", quote_fields=self._quote_fields, **dict(options)
            )
            part.headers.popall("Content-Length", None)
            writer.append_payload(part)
        self._writer = writer
        return writer

    def __call__(self) -> Payload:
        """The body: urlencoded bytes, or a :class:`~httpwire.MultipartWriter` of the fields.

        Calling again returns the same multipart writer, so a redirect resends the same parts.
        """
        if self._is_multipart:
            return self._multipart()
        return self._urlencoded()


def data_payload(data: Any) -> Payload:
    """The payload for ``data=``: a registered kind, else form fields (a FormData is called).

    Anything else raises :class:`TypeError` naming its type, before any connection is taken.
    """
    try:
        payload = get_payload(data)
    except PayloadLookupError as exc:
        if not isinstance(data, (Mapping, list, tuple, FormData)):
            # aiohttp's words (its FormData refuses the object), then which type it was.
            raise PayloadLookupError(
                "Only io.IOBase, multidict and (name, file) pairs allowed, use .add_field() for "
                f"passing more complex parameters, got {data!r} ({exc})"
            ) from None
    else:
        if payload is not data and isinstance(payload, IOBasePayload):
            # A file sent as the whole body is not an attachment (aiohttp builds it with
            # disposition=None); the filename matters only inside a multipart body.
            payload.headers.popall("Content-Disposition", None)
        return payload
    form = data if isinstance(data, FormData) else FormData(data)
    form_payload: Payload = form()
    return form_payload
