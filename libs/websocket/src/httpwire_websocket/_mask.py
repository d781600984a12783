"""Selects the masking function; a compiled twin (``_mask_c``) will plug in here later.

``HTTPWIRE_NO_EXTENSIONS`` (any non-empty value) will force the pure-Python version once a compiled
one exists; today the pure-Python version is the only one, so ``mask`` is always ``mask_py``.
"""

from __future__ import annotations

from ._mask_py import mask_py

__all__ = ["mask"]

mask = mask_py
