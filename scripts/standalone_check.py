"""Prove that each lib works alone.

Build its wheel, install it into a fresh virtual environment with only its declared dependencies
(in-repo siblings as freshly built wheels) and run its tests against the installed wheel, never
against src/.

Usage: python scripts/standalone_check.py [FOLDER ...]   (folders under libs/; default: all of them)
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import tomllib
import venv
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LIBS = ROOT / "libs"


def read_project(folder: Path) -> dict[str, object]:
    with (folder / "pyproject.toml").open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def folders_by_dist() -> dict[str, Path]:
    """Map each in-repo distribution name to its folder."""
    return {str(read_project(p.parent)["name"]): p.parent for p in LIBS.glob("*/pyproject.toml")}


def in_repo_closure(folder: Path, by_dist: dict[str, Path]) -> list[Path]:
    """The folder and every in-repo sibling it depends on, transitively."""
    seen: list[Path] = []
    todo = [folder]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.append(current)
        deps = read_project(current).get("dependencies", [])
        assert isinstance(deps, list)
        todo.extend(by_dist[n] for n in (Requirement(d).name for d in deps) if n in by_dist)
    return seen


def run(*cmd: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], cwd=cwd, check=True)


def check(folder: Path, by_dist: dict[str, Path]) -> None:
    project = read_project(folder)
    import_name = next((folder / "src").iterdir()).name
    optional = project.get("optional-dependencies", {})
    assert isinstance(optional, dict)
    extras = ",".join(sorted(optional))  # every extra, "test" included, so every test can run
    with tempfile.TemporaryDirectory(prefix=f"standalone-{folder.name}-") as tmp:
        env_dir, wheels = Path(tmp) / "venv", Path(tmp) / "wheels"
        venv.create(env_dir, with_pip=True)
        py = env_dir / "bin" / "python"
        pip = (py, "-m", "pip", "--disable-pip-version-check")
        closure = in_repo_closure(folder, by_dist)
        run(*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", wheels, *closure)
        own = project["name"]
        assert isinstance(own, str)
        own_wheel = next(wheels.glob(own.replace("-", "_") + "-*.whl"))
        siblings = [w for w in wheels.glob("*.whl") if w != own_wheel]
        if siblings:
            # Siblings first and without resolution, so nothing of ours comes from an index.
            run(*pip, "install", "--quiet", "--no-deps", *siblings)
            run(*pip, "install", "--quiet", *siblings)
        run(*pip, "install", "--quiet", f"{own_wheel}[{extras}]" if extras else own_wheel)
        where = subprocess.run(
            [py, "-c", f"import {import_name}; print({import_name}.__file__)"],
            check=True,
            capture_output=True,
            text=True,
            cwd=tmp,
        ).stdout.strip()
        if "site-packages" not in where:
            sys.exit(f"{import_name} was imported from {where}, not from the installed wheel")
        run(py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folders", nargs="*", help="lib folders under libs/ (default: all)")
    args = parser.parse_args()
    by_dist = folders_by_dist()
    names = args.folders or sorted(p.name for p in by_dist.values())
    for name in names:
        folder = LIBS / name
        if folder not in by_dist.values():
            sys.exit(f"no lib folder libs/{name}")
        print(f"=== standalone check: libs/{name}", flush=True)
        check(folder, by_dist)
    print(f"standalone checks passed: {', '.join(names)}")


if __name__ == "__main__":
    main()
