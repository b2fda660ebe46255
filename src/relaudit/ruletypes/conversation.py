"""Rule types over the conversation model: unanswered, pending, slow-response, canned, label."""

from __future__ import annotations

from typing import Any

from relaudit.ruletypes.base import Context, Hit, Option, RuleType

LABEL_NAMES = ("complaint", "question", "praise", "promotional", "asks-question")


def _has_label(ctx: Context, label: str | None) -> bool:
    """Whether the message has the label (any message, when none is named); asked last, as it may need working out."""
    if label is None:
        return True
    return ctx.labels is not None and ctx.message is not None and ctx.labeller.has(ctx.message, ctx.labels, label)


class _Cues:
    """A message's complaint cues for a rule's message, found only when the message shows them."""

    __slots__ = ("ctx",)

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def __str__(self) -> str:
        ctx = self.ctx
        if ctx.labels is None or ctx.message is None:
            return "none"
        # labelling leaves the cues out where no label depended on them (Labeller.complete)
        labels = ctx.labeller.complete(ctx.message, ctx.role, ctx.labels)
        return ", ".join(labels.cues) or "none"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return repr(str(self))


def _age(minutes: float) -> str:
    """A duration in the largest unit that keeps it readable."""
    if minutes < 120:
        return f"{minutes:.0f} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / 1440:.1f} days"


def _unanswered(options: dict[str, Any], ctx: Context) -> Hit | None:
    message = ctx.message
    assert message is not None
    # (answered first: most inbound messages are, and it is one look-up)
    if message.id in ctx.conv.responses or not ctx.conv.due(message) or not _has_label(ctx, options.get("label")):
        return None
    minutes = (ctx.conv.end - message.created_at).total_seconds() / 60
    return Hit({"age": _age(minutes), "cues": _Cues(ctx)}, minutes)


UNANSWERED = RuleType(
    name="unanswered",
    options={"label": Option(str, None, help="only messages with this label", choices=LABEL_NAMES)},
    placeholders=frozenset({"age", "cues"}),
    check=_unanswered,
    doc="""Flags an inbound message that is due (not pending) and that no own message answered.

    type: unanswered
    label: complaint
    """,
)


def _pending(options: dict[str, Any], ctx: Context) -> Hit | None:
    message = ctx.message
    assert message is not None
    if message.id not in ctx.conv.pending or not _has_label(ctx, options.get("label")):
        return None
    # An --as-of before the message makes its age negative; it has waited no time at all.
    minutes = max(0.0, (ctx.conv.end - message.created_at).total_seconds() / 60)
    left = max(0.0, ctx.conv.pending_window.total_seconds() / 60 - minutes)
    return Hit({"age": _age(minutes), "left": _age(left), "cues": _Cues(ctx)}, minutes)


PENDING = RuleType(
    name="pending",
    options={"label": Option(str, None, help="only messages with this label", choices=LABEL_NAMES)},
    placeholders=frozenset({"age", "left", "cues"}),
    check=_pending,
    doc="""Flags an inbound message still inside its answer window (pending): unanswered, younger than the window.

    type: pending
    label: complaint
    """,
)


def _slow(options: dict[str, Any], ctx: Context) -> Hit | None:
    message = ctx.message
    assert message is not None
    response = ctx.conv.responses.get(message.id)
    if response is None or response.minutes <= options["after_minutes"] or not _has_label(ctx, options.get("label")):
        return None
    return Hit({"delay": _age(response.minutes)}, response.minutes)


SLOW_RESPONSE = RuleType(
    name="slow-response",
    options={
        "after_minutes": Option((int, float), required=True, help="flag first responses later than this"),
        "label": Option(str, None, help="only messages with this label", choices=LABEL_NAMES),
    },
    placeholders=frozenset({"delay"}),
    check=_slow,
    doc="""Flags an inbound message whose first own response came later than a limit.

    type: slow-response
    after_minutes: 240
    """,
)


def _canned(options: dict[str, Any], ctx: Context) -> Hit | None:
    message = ctx.message
    assert message is not None
    if message.id not in ctx.analysis.canned:
        return None
    return Hit({"count": ctx.analysis.counts["own_replies"]}, 1.0)


CANNED = RuleType(
    name="canned",
    options={},
    placeholders=frozenset({"count"}),
    check=_canned,
    doc="""Flags an own reply whose normalised text (no mentions, links, digits, case, spacing) repeats another's.

    type: canned
    """,
)


def _label(options: dict[str, Any], ctx: Context) -> Hit | None:
    if not _has_label(ctx, options["label"]):
        return None
    assert ctx.labels is not None and ctx.message is not None  # (as _has_label found)
    labels = ctx.labeller.complete(ctx.message, ctx.role, ctx.labels)  # the cues and score, if left out
    return Hit({"cues": ", ".join(labels.cues) or "none"}, labels.complaint_score)


LABEL = RuleType(
    name="label",
    options={"label": Option(str, required=True, help="the label to flag", choices=LABEL_NAMES)},
    placeholders=frozenset({"cues"}),
    check=_label,
    doc="""Flags a message that carries a label.

    type: label
    label: promotional
    """,
)
