"""Selects the masking functions; a compiled twin (``_mask_c``) will plug in here later.

``HTTPWIRE_NO_EXTENSIONS`` (any non-empty value) will force the pure-Python versions once a
compiled one exists; today the pure-Python versions are the only ones.
"""

from __future__ import annotations

from ._mask_py import mask_inplace_py, mask_py

__all__ = ["mask", "mask_inplace"]

mask = mask_py
mask_inplace = mask_inplace_py
