"""The one exception family relaudit raises for the user, and the named exit codes."""

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes (DESIGN.md §6)."""

    OK = 0
    FAILED = 1
    ERROR = 2


class RelauditError(Exception):
    """An error whose text is the one line the user sees; the CLI turns it into exit 2."""


class InputError(RelauditError):
    """An input file is missing, unreadable, unrecognised or holds no messages."""


class RulePackError(RelauditError):
    """A rule pack or lexicon file is invalid."""


class AccountError(RelauditError):
    """The audited account cannot be determined."""


class UsageError(RelauditError):
    """An option's value is not acceptable."""


class WorkerError(RelauditError):
    """A worker process of a large audit died (killed, out of memory) before it finished."""
