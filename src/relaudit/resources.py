"""Where the built-in rule packs and lexicons are: inside the installed package, or the checkout's rules/."""

from __future__ import annotations

from pathlib import Path


def rules_dir() -> Path:
    """The built-in `rules/` folder.

    A wheel carries it as `relaudit/rules`; an editable install or a source checkout has it at the top of the
    repository, two levels above this package.
    """
    packaged = Path(__file__).parent / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"
