"""Choosing the audited account: from the option, the export's metadata, or detection."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from relaudit.errors import AccountError
from relaudit.model import UNKNOWN_OWNER, Message
from relaudit.normalise import handle

# A second author with at least this share of the top author's messages makes detection ambiguous.
AMBIGUOUS_SHARE = 0.5


@dataclass(frozen=True)
class Account:
    """The audited handles and how they were chosen."""

    handles: frozenset[str]
    how: str  # "option" | "export metadata" | "detected"
    detail: str

    @property
    def name(self) -> str:
        """The handles as one display string."""
        named = sorted(self.handles - {UNKNOWN_OWNER})
        return ", ".join(named) if named else "unknown-owner (the export does not name it; give --account)"


def from_option(values: Iterable[str]) -> Account | None:
    """The account named with --account (repeatable, case-insensitive, @ optional)."""
    handles = frozenset(h for h in (handle(v) for v in values) if h)
    if not handles:
        return None
    return Account(handles, "option", "given with --account")


def resolve(messages: list[Message], option: Account | None, hints: list[str]) -> Account:
    """The option if given, else the export's metadata, else the most plausible author; never a guess."""
    authors = Counter(m.author for m in messages)
    if option is not None and UNKNOWN_OWNER in authors:
        # The export could not name its owner, so its own posts carry UNKNOWN_OWNER: they are the option's.
        option = Account(option.handles | {UNKNOWN_OWNER}, option.how, option.detail)
    if option is not None:
        missing = sorted(h for h in option.handles if h not in authors)
        if len(missing) == len(option.handles):
            raise AccountError(
                f"no message in the export is by {', '.join('@' + h for h in missing)}; "
                f"most frequent authors: {_candidates(authors)}"
            )
        return option
    hinted = frozenset(h for h in (handle(v) for v in hints) if h)
    if hinted:
        return Account(hinted, "export metadata", "named by the export's own account file")
    if not authors:
        raise AccountError("no messages, so no account to audit")
    top, top_count = authors.most_common(1)[0]
    rivals = [a for a, c in authors.items() if a != top and c >= top_count * AMBIGUOUS_SHARE]
    if rivals:
        raise AccountError(
            f"several accounts are equally plausible: {_candidates(authors, len(rivals) + 1)}; "
            "choose one with --account"
        )
    addressed = Counter(h for m in messages if m.author != top for h in m.mentions)
    detail = f"the most frequent author ({top_count} of {len(messages)} messages"
    if addressed and addressed.most_common(1)[0][0] == top:
        detail += ", and the handle others address most"
    return Account(frozenset({top}), "detected", detail + ")")


def _candidates(authors: Counter[str], limit: int = 5) -> str:
    ranked = sorted(authors.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return ", ".join(f"@{a} ({c} message{'' if c == 1 else 's'})" for a, c in ranked)
