"""The gate: a pure function from a report and the user's thresholds to an exit code."""

from __future__ import annotations

from relaudit.engine import LEVEL_RANK
from relaudit.errors import ExitCode, UsageError
from relaudit.report import Report

GRADES = ("A", "B", "C", "D", "F")


def gate(report: Report, fail_on: str | None, fail_under: str | None) -> ExitCode:
    """FAILED when a finding reaches --fail-on, or the grade is below --fail-under; else OK."""
    if fail_on is not None:
        floor = LEVEL_RANK[fail_on]
        if any(LEVEL_RANK[f.level] >= floor for f in report.findings):
            return ExitCode.FAILED
    if fail_under is not None:
        wanted = fail_under.upper()
        if wanted not in GRADES:
            raise UsageError(f"--fail-under takes one of {', '.join(GRADES)}, not '{fail_under}'")
        if report.grade.letter == "-" or GRADES.index(report.grade.letter) > GRADES.index(wanted):
            return ExitCode.FAILED
    return ExitCode.OK
