"""Sphinx configuration for the httpwire documentation site."""

from __future__ import annotations

import httpwire

project = "httpwire"
author = "The httpwire developers"
copyright = "2026, The httpwire developers"
release = httpwire.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
    "myst_parser",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# Cross-references to the standard library resolve offline against nothing; keep them as plain text.
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

html_theme = "furo"
html_title = "httpwire"
