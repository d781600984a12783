"""Selects the masking functions: the compiled twin (``_mask_c``) when it was built, else Python.

``HTTPWIRE_NO_EXTENSIONS`` (any non-empty value) forces the pure-Python versions. ``COMPILED``
says which ones were chosen.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from ._mask_py import mask_inplace_py, mask_py, masked_frame_py

# masked_frame is internal (the writer uses it), so it is not in __all__.
__all__ = ["mask", "mask_inplace"]

mask: Callable[[bytes, bytes | bytearray | memoryview], bytes | bytearray] = mask_py
mask_inplace: Callable[..., None] = mask_inplace_py
masked_frame: Callable[[int, bytes, bytes | bytearray | memoryview], bytes | bytearray] = (
    masked_frame_py
)
COMPILED = False

if not os.environ.get("HTTPWIRE_NO_EXTENSIONS"):
    try:
        from . import _mask_c
    except ImportError:  # a pure-Python wheel, or a platform without a compiler
        pass
    else:
        # A build older than its source (no masked_frame) is not used at all.
        if hasattr(_mask_c, "masked_frame"):
            mask = _mask_c.mask
            mask_inplace = _mask_c.mask_inplace
            masked_frame = _mask_c.masked_frame
            COMPILED = True
