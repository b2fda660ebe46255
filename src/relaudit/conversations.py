"""The conversation model of DESIGN.md §2: roles, the reply tree, answered and pending inbound messages."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import Enum
from functools import cached_property
from operator import attrgetter

from relaudit.account import Account
from relaudit.model import Message, builder


class Role(str, Enum):
    """What a message is to the audited account."""

    ORIGINAL = "own-original"
    REPLY = "own-reply"
    REPOST = "repost"
    INBOUND = "inbound"
    CONTEXT = "context"

    @property
    def is_own(self) -> bool:
        """True for the account's own messages of any kind."""
        # identity tests: `in` a tuple or set would call the str-Enum's Python-level __eq__ or __hash__
        return self is Role.ORIGINAL or self is Role.REPLY or self is Role.REPOST


# As a global for due(), which rules ask of every unanswered inbound message: Role.INBOUND is looked up through
# Enum's class machinery, ~145 ns in Python 3.11 against ~10 ns for a global
_INBOUND = Role.INBOUND


@dataclass(frozen=True, slots=True)
class Response:
    """The first own message that answered an inbound message."""

    by: str
    minutes: float


# Response(...) without the frozen dataclass's __init__ (model.builder): one for every answered inbound message.
_response: Callable[[str, float], Response] = builder(Response)


@dataclass(frozen=True)
class Conversations:
    """Messages with their roles, parents, first responses and pending status."""

    account: Account
    messages: tuple[Message, ...]
    roles: dict[str, Role]
    parents: dict[str, str]
    responses: dict[str, Response]
    pending: frozenset[str]
    end: datetime
    pending_window: timedelta
    notes: tuple[str, ...] = ()

    def with_role(self, role: Role) -> list[Message]:
        """Messages of one role, in time order."""
        return list(self._by_role[role])

    @cached_property
    def _by_role(self) -> dict[Role, list[Message]]:
        """Every message, grouped by role in one pass (the report asks for each role several times)."""
        groups: dict[Role, list[Message]] = {role: [] for role in Role}
        roles = self.roles
        for message in self.messages:
            groups[roles[message.id]].append(message)
        return groups

    def due(self, message: Message) -> bool:
        """An inbound message that is not pending."""
        return self.roles[message.id] is _INBOUND and message.id not in self.pending


def build(
    messages: Sequence[Message], account: Account, as_of: datetime | None, pending_window: timedelta
) -> Conversations:
    """Assign roles, link replies, find first responses and pending messages (ids must be unique)."""
    # by (created_at, id): by id, then stably by time; two C-level key sorts, fast on the near-sorted input exports are
    ordered = tuple(sorted(sorted(messages, key=attrgetter("id")), key=attrgetter("created_at")))
    by_id = {m.id: m for m in ordered}
    # (`is not None` first: a look-up in a million-entry dict is a cache miss, half the messages are no replies)
    parents = {
        m.id: m.in_reply_to
        for m in ordered
        if m.in_reply_to is not None and m.in_reply_to in by_id and m.in_reply_to != m.id
    }
    # A message's role reads its parent's, so parents go first. Time order nearly always has them first already;
    # when it does not (a reply stamped before its parent, or a reply cycle), the tree gives the order.
    own: list[Message] = []  # the account's messages, in time order
    # (Ids are unique from every loader; were one repeated, the check by id could miss a cycle: the tree then.)
    roles = _roles(ordered, by_id, parents, account.handles, own) if len(by_id) == len(ordered) else None
    notes: tuple[str, ...] = ()
    if roles is None:
        order, notes = _tree_order(ordered, by_id, parents)
        roles = _roles(order, by_id, parents, account.handles)
        assert roles is not None
        own = [m for m in ordered if roles[m.id].is_own]
    responses = _responses(own, by_id, parents, roles)
    end = as_of or (ordered[-1].created_at if ordered else datetime.now().astimezone())
    inbound = Role.INBOUND
    try:  # posted less than the window before the end: the time test first, as it excludes nearly every message
        since = end.astimezone(timezone.utc) - pending_window  # in UTC: elapsed time, whatever the zone's clock did
        recent = [m for m in ordered if m.created_at > since]
    except OverflowError:  # a window reaching back before the year 1 holds every message; forward past 9999, none
        recent = list(ordered) if pending_window > timedelta(0) else []
    pending = frozenset(m.id for m in recent if roles[m.id] is inbound and m.id not in responses)
    return Conversations(account, ordered, roles, parents, responses, pending, end, pending_window, notes)


def _tree_order(
    ordered: Sequence[Message], by_id: dict[str, Message], parents: dict[str, str]
) -> tuple[list[Message], tuple[str, ...]]:
    """Messages with every parent before its children (breadth first from each root); reply cycles are broken."""
    children: dict[str, list[str]] = {}
    for child, parent in parents.items():
        children.setdefault(parent, []).append(child)
    order: list[Message] = []
    append = order.append
    # From the roots, every message is reached once: each has one parent. Only a cycle is out of their reach.
    for message in ordered:
        if message.id in parents:
            continue
        append(message)
        below = children.get(message.id)
        if below is not None:
            queue = deque(below)
            while queue:
                current = queue.popleft()
                append(by_id[current])
                more = children.get(current)
                if more is not None:
                    queue.extend(more)
    if len(order) == len(ordered):
        return order, ()
    placed = {m.id for m in order}
    notes: list[str] = []

    def walk(root: str) -> None:
        queue = deque([root])
        placed.add(root)
        while queue:
            current = queue.popleft()
            append(by_id[current])
            for child in children.get(current, ()):
                if child not in placed:
                    placed.add(child)
                    queue.append(child)

    for message in ordered:  # whatever is left hangs off a cycle (hostile input)
        if message.id not in placed:
            notes.append(f"{message.source}: reply cycle through message {message.id}; link to its parent ignored")
            del parents[message.id]
            walk(message.id)
    return order, tuple(notes)


def _roles(
    order: Sequence[Message],
    by_id: dict[str, Message],
    parents: dict[str, str],
    handles: frozenset[str],
    own: list[Message] | None = None,
) -> dict[str, Role] | None:
    """Every message's role, with parents first in `order`.

    With `own` (a list to fill with the account's messages in order), `order` may be any order, and None is the
    answer when a message comes before its parent in it. (A reply cycle always holds such a message.)
    """
    roles: dict[str, Role] = {}
    original, reply, repost, inbound, context = Role.ORIGINAL, Role.REPLY, Role.REPOST, Role.INBOUND, Role.CONTEXT
    check = own is not None
    for message in order:
        parent_id = parents.get(message.id) if message.in_reply_to is not None else None  # (see build)
        if message.author in handles:
            if check and parent_id is not None and parent_id not in roles:
                return None
            if own is not None:
                own.append(message)
            if message.is_repost:
                roles[message.id] = repost
            # A reply whose parent author is unknown is taken as a reply to someone else: self-threads keep
            # their parent in the export (or name the author), so the unknown case is nearly always a customer.
            elif (
                message.in_reply_to
                and (by_id[parent_id].author if parent_id else message.in_reply_to_author) not in handles
            ):
                roles[message.id] = reply
            else:
                roles[message.id] = original
            continue
        # Others' reposts and private messages are context: they ask nothing of the account in public.
        if message.is_repost or message.is_private:
            if check and parent_id is not None and parent_id not in roles:
                return None
            roles[message.id] = context
            continue
        if parent_id is not None:
            parent_role = roles.get(parent_id)  # set when parents come first in `order`
            if parent_role is None and check:
                return None
            addressed = parent_role is not None and parent_role is not context  # own or inbound
        else:
            addressed = message.in_reply_to_author in handles
        if not addressed and message.mentions:
            addressed = any(h in handles for h in message.mentions)
        roles[message.id] = inbound if addressed else context
    return roles


def _responses(
    own_messages: list[Message], by_id: dict[str, Message], parents: dict[str, str], roles: dict[str, Role]
) -> dict[str, Response]:
    """First own response per inbound message (own messages given in time order): the earliest own descendant after it.

    Own messages are walked up to the root in time order, so the first walk to reach an inbound ancestor
    posted before it is that ancestor's first response. A walk may stop at a node an earlier walk passed,
    because everything above was settled by an earlier (so earlier-or-equal) response - unless a clock-skewed
    inbound ancestor, posted after that earlier response, is still waiting; then the walk goes on.
    """
    responses: dict[str, Response] = {}
    visited: set[str] = set()
    waiting: list[tuple[datetime, str]] = []  # heap of skewed, unanswered inbound ancestors
    inbound = Role.INBOUND
    for own in own_messages:
        while waiting and waiting[0][1] in responses:
            heapq.heappop(waiting)
        may_stop = not waiting or waiting[0][0] >= own.created_at
        current = parents.get(own.id)
        visited.add(own.id)
        while current is not None:
            if current in visited and may_stop:
                break
            visited.add(current)
            ancestor = by_id[current]
            if roles[current] is inbound and current not in responses:
                if ancestor.created_at < own.created_at:
                    minutes = (own.created_at - ancestor.created_at).total_seconds() / 60
                    responses[current] = _response(own.id, minutes)
                else:
                    heapq.heappush(waiting, (ancestor.created_at, current))
            current = parents.get(current)
    return responses
