"""The renderer registry: one function per output format, each over one Report, imported when first used.

Importing a renderer is not free (rich, the HTML page), and `relaudit check` imports `render.safe` from this
package without needing any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relaudit.report import Report

Renderer = Callable[["Report", "int | None", bool], str]


class _Registry(Mapping[str, Renderer]):
    """format → renderer, importing each renderer's module on first lookup."""

    def __init__(self, where: dict[str, tuple[str, str]]) -> None:
        self._where = where

    def __getitem__(self, name: str) -> Renderer:
        module, function = self._where[name]
        found: Renderer = getattr(import_module(module), function)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


RENDERERS: Mapping[str, Renderer] = _Registry(
    {
        "text": ("relaudit.render.terminal", "render_text"),
        "json": ("relaudit.render.json_format", "render_json"),
        "html": ("relaudit.render.html", "render_report_html"),
    }
)

__all__ = ["RENDERERS", "Renderer"]
