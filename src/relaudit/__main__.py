"""Entry point for `python -m relaudit`."""

from relaudit.cli import run

run()
