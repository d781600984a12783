"""Build hook: compile the optional C masking twin (``_mask_c``) when a C compiler is there.

The wheel is then platform-specific; without a compiler, on Windows, or with
``HTTPWIRE_NO_EXTENSIONS`` set, the build goes on as a pure-Python wheel (``_mask_py`` serves
alone), so the package installs everywhere. The extension is compiled next to its source, which
also serves editable installs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

_PACKAGE = Path("src") / "httpwire_websocket"
_SOURCE = _PACKAGE / "_mask_c.c"


class MaskExtensionHook(BuildHookInterface):  # type: ignore[type-arg]
    """Compiles ``_mask_c.c`` into the package before the wheel (or editable wheel) is built."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("HTTPWIRE_NO_EXTENSIONS"):
            return
        built = _compile(Path(self.root))
        if built is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        # The file is not in version control: name it so the wheel includes it anyway.
        build_data["artifacts"].append(str(built.relative_to(self.root)))


def _compile(root: Path) -> Path | None:
    """The compiled extension's path, or None (with a note on stderr) when it cannot be built."""
    if sys.platform == "win32":
        return None
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    source = root / _SOURCE
    target = root / _PACKAGE / f"_mask_c{suffix}"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    compiler = (sysconfig.get_config_var("CC") or "cc").split()
    command = [
        *compiler,
        "-O3",
        "-fPIC",
        "-shared",
        "-I",
        sysconfig.get_paths()["include"],
        str(source),
        "-o",
        str(target),
    ]
    if sys.platform == "darwin":
        command[len(compiler) : len(compiler)] = ["-undefined", "dynamic_lookup"]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        print(
            f"httpwire-websocket: C mask not built ({exc}); the pure-Python one is used. "
            + detail.decode(errors="replace")[:500],
            file=sys.stderr,
        )
        return None
    return target


if __name__ == "__main__":
    # `python hatch_build.py` compiles in place, for a checkout whose editable install was not
    # rebuilt (a reused environment or a cached editable wheel skips the hook). Exit 1 on failure.
    sys.exit(0 if _compile(Path(__file__).resolve().parent) is not None else 1)
