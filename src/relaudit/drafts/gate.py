"""The gate of `relaudit check`: exit 1 when a finding reaches --fail-on or warnings pass --max-warnings."""

from __future__ import annotations

from relaudit.drafts.check import CheckResult
from relaudit.engine import LEVEL_RANK
from relaudit.errors import ExitCode


def check_gate(result: CheckResult, fail_on: str, max_warnings: int | None) -> ExitCode:
    """FAILED when any finding is at fail_on or worse, or there are more warnings than max_warnings; else OK."""
    floor = LEVEL_RANK[fail_on]
    if any(LEVEL_RANK[f.level] >= floor for f in result.findings):
        return ExitCode.FAILED
    warnings = sum(1 for f in result.findings if f.level == "warning")
    if max_warnings is not None and warnings > max_warnings:
        return ExitCode.FAILED
    return ExitCode.OK
