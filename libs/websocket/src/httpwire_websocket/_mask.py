"""Selects the masking functions: the compiled twin (``_mask_c``) when it was built, else Python.

``HTTPWIRE_NO_EXTENSIONS`` (any non-empty value) forces the pure-Python versions. ``COMPILED``
says which ones were chosen.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ._mask_py import mask_inplace_py, mask_py

__all__ = ["mask", "mask_inplace"]

mask: Callable[[bytes, bytes | bytearray | memoryview], bytes | bytearray] = mask_py
mask_inplace: Callable[..., None] = mask_inplace_py
COMPILED = False

if not os.environ.get("HTTPWIRE_NO_EXTENSIONS"):
    try:
        from . import _mask_c
    except ImportError:  # a pure-Python wheel, or a platform without a compiler
        pass
    else:
        mask = _mask_c.mask
        mask_inplace = _mask_c.mask_inplace
        COMPILED = True
