"""Multipart bodies at the module path aiohttp documents (``aiohttp.multipart``).

:class:`MultipartWriter` builds a ``multipart/*`` request body from payloads; the
Content-Disposition helpers build and read the header that names a part and its file;
:class:`MultipartReader` reads a ``multipart/*`` body (a response's, say) part by part, each
part a :class:`BodyPartReader` or, for a nested ``multipart/*`` part, another reader.
"""

from __future__ import annotations

from ._disposition import (
    BadContentDispositionHeader,
    BadContentDispositionParam,
    content_disposition_filename,
    parse_content_disposition,
)
from ._multipart_reader import BodyPartReader, MultipartReader
from ._multipart_reader import MultipartResponseWrapper as MultipartResponseWrapper
from ._multipart_writer import MultipartWriter
from ._payload_parts import BodyPartReaderPayload as BodyPartReaderPayload

__all__ = [
    "BadContentDispositionHeader",
    "BadContentDispositionParam",
    "BodyPartReader",
    "MultipartReader",
    "MultipartWriter",
    "content_disposition_filename",
    "parse_content_disposition",
]
