"""ETag: an entity tag (RFC 9110 §8.8.3) as aiohttp exports it, a value and a weakness flag."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ETag"]


@dataclass(frozen=True, slots=True)
class ETag:
    """An entity tag: ``value`` without quotes, ``is_weak`` for a ``W/"..."`` tag."""

    value: str
    is_weak: bool = False
