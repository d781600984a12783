"""The documentation's code examples: each compiles, names only what exists, and doctests run.

Most examples are fragments that need a server (``session.get("https://example.org/")``), so
they are not executed here; what can go stale without anyone noticing is checked instead: the
syntax (top-level ``await`` and ``async with`` allowed, as in an async function), every
``aiohttp.X``/``httpwire.X`` name they use (httpwire is imported *as* aiohttp in the docs), and
every ``>>>`` session, which is run as a doctest.
"""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

import pytest

import httpwire

DOCS = Path(__file__).resolve().parent.parent / "docs"
_BLOCK = re.compile(
    r"^( *)\.\. code-block:: python\n((?:\1 {3}:.*\n)*)\n((?:\1 {3}.*\n|\n)+)", re.M
)
_OPENED_AT = re.compile(r"expected an indented block after .* on line (\d+)")
_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


def _examples() -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.rglob("*.rst")):
        if "_build" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        for number, m in enumerate(_BLOCK.finditer(text), 1):
            indent = len(m.group(1)) + 3
            lines = [line[indent:] for line in m.group(3).splitlines()]
            found.append((f"{page.relative_to(DOCS)}#{number}", "\n".join(lines).strip("\n")))
    return found


EXAMPLES = _examples()


def test_the_docs_have_examples() -> None:
    assert len(EXAMPLES) > 50


def _module_names(tree: ast.AST) -> list[str]:
    """The attributes looked up on ``aiohttp``/``httpwire`` (``aiohttp.ClientSession`` ...)."""
    return [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in ("aiohttp", "httpwire")
    ]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _compile_fragment(code: str, where: str) -> ast.AST:
    """Compile ``code``, giving ``pass`` bodies to blocks a fragment leaves open at its end."""
    lines = code.splitlines()
    for _ in range(len(lines) + 1):
        try:
            tree: ast.AST = compile("\n".join(lines), where, "exec", flags=_FLAGS)
        except IndentationError as exc:
            opened = _OPENED_AT.search(exc.msg or "")
            if opened is None or exc.lineno is None:
                raise
            statement = lines[int(opened.group(1)) - 1]
            lines.insert(exc.lineno - 1, " " * (_indent(statement) + 4) + "pass")
        else:
            return tree
    raise AssertionError(f"{where}: could not complete the fragment")


@pytest.mark.parametrize(("where", "code"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_example_compiles_and_names_exist(where: str, code: str) -> None:
    if code.lstrip().startswith(">>>"):
        pytest.skip("a doctest session: run by test_doctest_sessions")
    tree = _compile_fragment(code, where)
    missing = [name for name in _module_names(tree) if not hasattr(httpwire, name)]
    assert missing == [], f"{where} uses names httpwire lacks: {missing}"


def _doctest_blocks() -> list[tuple[str, str]]:
    return [(w, c) for w, c in EXAMPLES if c.lstrip().startswith(">>>")]


@pytest.mark.parametrize(
    ("where", "code"), _doctest_blocks(), ids=[w for w, _ in _doctest_blocks()]
)
def test_doctest_sessions(where: str, code: str) -> None:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(code, {}, where, where, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    result = runner.run(test, out=lambda text: None)
    assert result.failed == 0, f"{where}: {result.failed} of {result.attempted} examples failed"
    assert result.attempted > 0
