"""The renderer registry: one function per output format, each over one Report."""

from __future__ import annotations

from collections.abc import Callable

from relaudit.render.json_format import render_json
from relaudit.render.terminal import render_text
from relaudit.report import Report

Renderer = Callable[[Report, "int | None", bool], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
}

__all__ = ["RENDERERS", "Renderer"]
