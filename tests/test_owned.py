"""Workers that own their messages (owned.py) give the very report one process gives, and fail the same way."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from relaudit import owned, parallel, pipeline
from relaudit.errors import RelauditError, WorkerError
from relaudit.model import Message, Source
from relaudit.pipeline import AuditOptions, audit
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")

FIXTURES = sorted(
    p for p in (ROOT / "tests" / "fixtures").rglob("*") if p.is_file() and p.suffix in (".jsonl", ".json", ".csv")
) + sorted((ROOT / "samples").glob("*.jsonl"))


@pytest.fixture
def small_parts(monkeypatch):
    """Batches, parts and blocks of a few messages, so a small export crosses every boundary many times."""
    monkeypatch.setattr(owned, "BATCH", 3)
    monkeypatch.setattr(owned, "PART", 4)
    monkeypatch.setattr(owned, "BLOCK", 64)  # bytes: most blocks are one line, read past the block to its end


@pytest.mark.parametrize("block", [1, 2, 7, 64, 4096])
def test_blocks_are_whole_lines_that_tile_the_file(tmp_path, monkeypatch, block):
    import random

    monkeypatch.setattr(owned, "BLOCK", block)
    rng = random.Random(block)
    for case in range(40):
        lines = [
            b"x" * rng.choice([0, 1, 5, 30, 200]) + rng.choice([b"\n", b"\r\n"]) for _ in range(rng.randint(0, 60))
        ]
        data = b"".join(lines) + (b"tail without a break" if case % 3 == 0 else b"")
        path = tmp_path / "feed.jsonl"
        path.write_bytes(data)
        blocks = list(owned._blocks(path))
        assert b"".join(data[start : start + size] for start, size, _ in blocks) == data  # in order, nothing twice
        for start, size, line in blocks:
            assert size > 0 and line == data[:start].count(b"\n") + 1
            piece = data[start : start + size]
            assert piece.endswith(b"\n") or start + size == len(data)  # whole lines; the last may lack its break
            assert size <= block or piece.count(b"\n") <= 1  # a block longer than BLOCK is a single long line
        assert blocks == [] if not data else blocks[0][0] == 0


@pytest.fixture
def started(monkeypatch):
    """How many times workers that own their messages were started."""
    count = []
    real = pipeline.Owners

    def spy(*args, **kwargs):
        count.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "Owners", spy)
    return count


def outcome(paths: list[Path], **options) -> tuple[str, tuple[Message, ...]] | str:
    """The JSON report and the unanswered complaints (which the JSON leaves out), or the error's one line."""
    try:
        report = audit(paths, AuditOptions(**options))
    except RelauditError as error:
        return f"{type(error).__name__}: {error}"
    return json.dumps(report.to_dict()), report.unanswered_complaints


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_fixture_gives_the_report_of_one_process(path, small_parts, started):
    alone = outcome([path], jobs=1)
    assert not started
    assert outcome([path], jobs=2) == alone
    assert started or isinstance(alone, str)  # the workers owned the messages, unless the path was refused


def row(message_id: str, author: str, text: str, when: str, **more: object) -> dict[str, object]:
    """A record in the relaudit format posted in 2026 (`when`: "MM-DDTHH:MM", UTC)."""
    return {"id": message_id, "author": author, "text": text, "created_at": f"2026-{when}:00Z", **more}


HOSTILE = [
    row("1", "shop", "Our new roast is out", "03-01T10:00"),
    row("2", "ann", "@shop my order never came, still waiting", "03-01T10:05"),
    "not json",
    row("3", "shop", "@ann sorry! DM us", "03-01T10:20", in_reply_to="2"),
    row("2", "bob", "same id again", "03-01T10:21"),
    "",
    # a reply stamped before its parent, and a reply cycle through 6 and 7
    row("4", "cy", "@shop where is my refund?", "03-01T12:00"),
    row("5", "shop", "@cy on its way", "03-01T11:59", in_reply_to="4"),
    row("6", "dee", "@shop broken again", "03-02T09:00", in_reply_to="7"),
    row("7", "dee", "@shop still broken", "03-02T09:10", in_reply_to="6"),
    row("8", "eve", "RT great shop", "03-02T10:00", is_repost=True),
    row("9", "shop", "@ann sorry! DM us", "03-02T11:00", in_reply_to="6"),
    row("10", "fay", "@shop terrible service, nobody answers", "03-03T08:00"),
    row("11", "shop", "Big sale! Buy now at https://shop.example", "03-03T09:00"),
]


def write(path: Path, rows: list, newline: str = "\n") -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + newline for r in rows), encoding="utf-8")
    return path


def test_skipped_records_duplicates_and_cycles_across_files_and_batches(tmp_path, small_parts, started):
    first = write(tmp_path / "a.jsonl", HOSTILE)
    # a second file repeating an id of the first, with Windows line ends
    second = write(
        tmp_path / "b.jsonl",
        [
            row("12", "gus", "@shop hello?", "03-04T08:00"),
            row("3", "shop", "a repeat", "03-04T09:00"),
            row("13", "shop", "@gus hi!", "03-04T09:30", in_reply_to="12"),
        ],
        "\r\n",
    )
    alone = outcome([first, second], jobs=1)
    assert outcome([first, second], jobs=2) == outcome([first, second], jobs=3) == alone
    assert len(started) == 2
    report = json.loads(alone[0])
    warnings = "\n".join(report["warnings"])
    assert f"{first}:3: bad JSON" in warnings
    assert f"{first}:5: duplicate id 2 (first at {first}:2)" in warnings
    assert f"{second}:2: duplicate id 3 (first at {first}:4)" in warnings
    assert "reply cycle through message" in warnings
    # 5 answers 4 a minute before it was asked (no answer), 9 answers 6 but not 7, 10 has no reply
    assert [m.id for m in alone[1]] == ["4", "7", "10"]


def test_a_stub_reads_as_its_message():
    source = Source("feed.jsonl", 2**40 + 3)
    message = Message(
        "7",
        "ann",
        "hi",
        datetime(2026, 1, 1, tzinfo=timezone.utc),
        source,
        "6",
        "shop",
        True,
        is_private=True,
        mentions=("shop",),
    )

    class Nowhere:  # take() only sends; no worker is needed to read what it keeps
        def send(self, item):
            self.sent = item

    owners = owned.Owners.__new__(owned.Owners)
    owners.workers, owners._counts, owners._owner, owners._rows, owners._file = 3, [5, 0, 0], 0, [], None
    owners._mentions, owners._conns = {}, [Nowhere()]
    stub = owners.take(message, {})
    assert (stub.id, stub.author, stub.created_at, stub.in_reply_to, stub.in_reply_to_author) == (
        "7",
        "ann",
        message.created_at,
        "6",
        "shop",
    )
    assert stub.source == source and stub.is_repost and stub.is_private and stub.mentions == ("shop",)
    assert stub.slot == 0 + 3 * 5  # the sixth message of the first worker
    plain = owners.take(Message("8", "bob", "x", message.created_at, Source("feed.jsonl", 9)), {"7": stub})
    assert not plain.is_repost and not plain.is_private and plain.source.line == 9 and plain.slot == 3 * 6


@pytest.mark.parametrize("layout", ["jsonl", "csv"])  # read by the workers, and read here and sent to them
def test_a_reply_keeps_the_id_string_of_a_parent_read_before_it(tmp_path, small_parts, layout):
    rows = [  # ids of several digits: CPython keeps one string of each single character, equal ones are one object
        row("1002", "ann", "@shop hi", "03-01T10:05"),
        row("1003", "shop", "@ann hi", "03-01T10:20", in_reply_to="1002"),
        row("1006", "dee", "@shop hm", "03-02T09:00", in_reply_to="1007"),
        row("1007", "dee", "@shop so", "03-01T09:10"),
    ]
    if layout == "jsonl":
        path = write(tmp_path / "e.jsonl", rows)
    else:
        path = tmp_path / "e.csv"
        lines = [f"{r['id']},{r['author']},{r['text']},{r['created_at']},{r.get('in_reply_to', '')}" for r in rows]
        path.write_text("id,author,text,created_at,in_reply_to\n" + "\n".join(lines) + "\n", encoding="utf-8")
    built = []
    real = pipeline.build

    def spy(messages, *args):
        built.extend(messages)
        return real(messages, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "build", spy)
        audit([path], AuditOptions(account=pipeline.Account(frozenset({"shop"}), "option", ""), jobs=2))
    by_id = {s.id: s for s in built}
    assert all(type(s) is owned.Stub for s in built)
    assert by_id["1003"].in_reply_to is by_id["1002"].id  # one string, not two equal ones
    assert by_id["1006"].in_reply_to == "1007" and by_id["1006"].in_reply_to is not by_id["1007"].id  # read later


def test_workers_read_lines_as_the_loader_does(tmp_path, small_parts, started):
    lines = [json.dumps(r).encode() for r in HOSTILE[:8]]
    lines[0] = b"\xef\xbb\xbf" + lines[0]  # a byte-order mark before the first line
    lines[6] = lines[6].replace(b"refund", b"r\xe9fund")  # cp1252: one notice, for this line (the file's 9th)
    lines[4] = lines[4] + b"\r"  # a Windows line end among Unix ones
    blank = [b"", b"   "]  # lines 4 and 5: not records
    data = b"\n".join([*lines[:3], *blank, *lines[3:]]) + b"\n" + b'{"id": "99", "author": "zed"'  # cut short
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(data)
    alone = outcome([path], jobs=1)
    assert outcome([path], jobs=2) == alone and started
    warnings = json.loads(alone[0])["warnings"]
    assert warnings[0] == f"{path}: not UTF-8 from line 9; decoded as cp1252, check accented text"
    assert any(w.startswith(f"{path}:11: bad JSON") for w in warnings)  # the last line, without its end
    assert json.loads(alone[0])["source"]["records"] == 9


def test_times_sent_as_seconds_or_as_datetimes_come_back_as_they_were(tmp_path, small_parts, started):
    utc = timezone.utc
    whole = datetime(2026, 3, 1, 10, 5, tzinfo=utc)
    assert owned._time_value(whole) == 1772359500  # hand-computed: 20,513 days and 10:05 since 1970
    # a fraction of a second, a time before 1970, one in another zone (never given by normalise): as they are
    for moment in (
        datetime(2026, 3, 1, 10, 5, 0, 250_000, tzinfo=utc),
        datetime(1969, 7, 20, 20, 17, 40, tzinfo=utc),
        datetime(2026, 3, 1, 12, 5, tzinfo=timezone(timedelta(hours=2))),
    ):
        assert owned._time_value(moment) is moment
    rows = [
        {"id": "1", "author": "shop", "text": "Moon landing re-run tonight", "created_at": "1969-07-20T20:17:40Z"},
        {"id": "2", "author": "ann", "text": "@shop my order never came", "created_at": "2026-03-01T10:05:00.250Z"},
        {"id": "3", "author": "shop", "text": "@ann sorry! DM us", "created_at": "2026-03-01T12:20:30+02:00"},
        {"id": "4", "author": "bob", "text": "@shop my refund never came", "created_at": "2026-03-01T10:30:00Z"},
        {"id": "5", "author": "shop", "text": "Our new roast is out", "created_at": "2026-03-05T09:00:00Z"},
    ]
    rows[2]["in_reply_to"] = "2"
    path = write(tmp_path / "times.jsonl", rows)
    alone = outcome([path], jobs=1)
    assert outcome([path], jobs=2) == alone and started
    # 10:05:00.25 to 10:20:30 UTC: 15 min 29.75 s
    assert json.loads(alone[0])["metrics"]["median_response_minutes"] == 15.5
    assert [m.created_at for m in alone[1]] == [datetime(2026, 3, 1, 10, 30, tzinfo=utc)]  # bob's, unanswered


def test_rules_that_read_other_messages_keep_every_message_in_one_process(tmp_path, started):
    pack = tmp_path / "dup.yaml"
    pack.write_text(
        "rules:\n"
        "  - id: twice\n    title: Twice\n    pillar: human-touch\n    level: warning\n    scope: own-post\n"
        "    type: duplicate\n    message: 'again, first at {first}'\n    why: w\n    fix: f\n",
        encoding="utf-8",
    )
    path = write(tmp_path / "e.jsonl", HOSTILE)
    rules = pipeline.load_rules((pack,))
    assert pipeline._owned_workers([path], AuditOptions(jobs=2), rules) == 1
    assert pipeline._owned_workers([path], AuditOptions(jobs=2), pipeline.load_rules()) == 2
    assert outcome([path], rule_files=(pack,), jobs=2) == outcome([path], rule_files=(pack,), jobs=1)
    assert not started


def test_workers_start_for_a_large_file_only(tmp_path):
    rules = pipeline.load_rules()
    small = write(tmp_path / "small.jsonl", HOSTILE)
    assert pipeline._owned_workers([small], AuditOptions(), rules) == 1
    large = tmp_path / "large.jsonl"
    large.write_bytes(b" " * (parallel.MIN_MESSAGES * pipeline.BYTES_PER_MESSAGE))
    assert pipeline._owned_workers([large, tmp_path / "missing.jsonl"], AuditOptions(), rules) > 1 or (
        parallel.worker_count(parallel.MIN_MESSAGES) == 1  # a one-core machine
    )


def test_an_error_in_a_worker_reaches_the_parent(tmp_path, monkeypatch):
    def broken(conn, *rest):
        conn.recv()
        raise ValueError("a bug in a worker")

    monkeypatch.setattr(owned, "_work", broken)
    with pytest.raises(ValueError, match="a bug in a worker"):
        audit([write(tmp_path / "e.jsonl", HOSTILE)], AuditOptions(jobs=2))


def test_an_error_in_the_parent_stops_the_workers_quietly_and_at_once(tmp_path, capfd):
    import time

    path = write(tmp_path / "e.jsonl", HOSTILE)
    started = time.monotonic()
    with pytest.raises(RelauditError, match="no message in the export is by @nobody"):
        audit([path], AuditOptions(account=pipeline.Account(frozenset({"nobody"}), "option", ""), jobs=3))
    # each worker sees the end of its input at once (it closed the parent's ends of the pipes it inherited): no
    # waiting for the 5 s after which a worker that did not stop is terminated
    assert time.monotonic() - started < 4
    assert "Traceback" not in capfd.readouterr().err  # the workers had nothing to say


def test_a_path_that_cannot_be_read_fails_as_in_one_process(tmp_path, started):
    missing = tmp_path / "missing.jsonl"
    alone = outcome([missing], jobs=1)
    assert isinstance(alone, str) and "missing.jsonl" in alone and outcome([missing], jobs=2) == alone
    assert not started  # the paths are checked before any worker starts
    alone = outcome([tmp_path], jobs=1, input_format="relaudit")  # a folder given as a file of a named format
    assert isinstance(alone, str) and "cannot read" in alone
    assert outcome([tmp_path], jobs=2, input_format="relaudit") == alone


def test_a_runaway_rule_gives_up_once_a_worker_and_its_notes_come_in_message_order(tmp_path, small_parts):
    from tests.test_patterns import TEXT, evil_pack

    pack = evil_pack(tmp_path)
    rows = [row(str(100 + i), "shop", TEXT if i % 3 == 0 else "fine", f"03-01T10:{i:02d}") for i in range(12)]
    path = write(tmp_path / "e.jsonl", rows)
    report = audit([path], AuditOptions(rule_files=(pack,), jobs=2))
    notes = [w for w in report.warnings if "rule 'evil' gave up" in w]
    lines = [int(note.split(":")[1]) for note in notes]
    assert 1 <= len(notes) <= 2 and lines == sorted(lines)  # at most once a worker, in the order of the messages
    assert all("it is not run on the messages after it" in note for note in notes)


KILLED_WORKER = """
import json, os, sys
from pathlib import Path
from relaudit import owned
from relaudit.errors import WorkerError
from relaudit.pipeline import AuditOptions, audit

def dies(conn, *rest):
    conn.recv()
    os._exit(9)  # as the out-of-memory killer would end it

owned._work = dies
try:
    audit([Path(sys.argv[1])], AuditOptions(jobs=2))
except WorkerError as error:
    print("stopped:", error)
"""


def test_a_worker_that_dies_stops_the_audit_with_one_line(tmp_path):
    path = write(tmp_path / "e.jsonl", HOSTILE)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER, str(path)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.stdout.strip() == f"stopped: {parallel.WORKER_DIED}", done.stderr
    assert isinstance(WorkerError(parallel.WORKER_DIED), RelauditError)


@pytest.fixture
def slow_threading(monkeypatch, tmp_path):
    """The parent threads for a while, so the workers label ahead (_Ahead); how many each had labelled, per step."""
    import time

    log = tmp_path / "ahead.log"
    real_build, real_read, real_known = pipeline.build, owned._Ahead._read_step, owned._Ahead._known_step
    real_counts = pipeline.before_labels

    def build(*args, **kwargs):
        time.sleep(0.3)  # six turns of the workers' (TURN: 0.05 s)
        return real_build(*args, **kwargs)

    def counts(*args, **kwargs):  # after the roles went to the workers
        time.sleep(0.3)
        return real_counts(*args, **kwargs)

    def spied(real, kind):
        def step(self, *args):
            more = real(self, *args)
            with log.open("a") as handle:  # (in the worker: forked after the patch, it runs the spy)
                handle.write(
                    f"{kind} {self.number} {len(self.labels)} {','.join(sorted(self.own - {'unknown-owner'}))}\n"
                )
            return more

        return step

    monkeypatch.setattr(pipeline, "build", build)
    monkeypatch.setattr(pipeline, "before_labels", counts)
    monkeypatch.setattr(owned._Ahead, "_read_step", spied(real_read, "read"))
    monkeypatch.setattr(owned._Ahead, "_known_step", spied(real_known, "known"))
    return log


def test_labels_worked_out_ahead_are_the_ones_labelling_gives(tmp_path, small_parts, slow_threading):
    # Each line is longer than a block (64 bytes), so lines alternate between the workers: worker 0 holds the even
    # lines, all the shop's, and worker 1 the odd ones, most of them ann's: it guesses her to be the account. Its
    # guess is wrong, and the two shop messages it labels ahead as inbound must go unused. gil's messages are
    # inbound, but those not addressed to the shop are context. Once the roles are known, it labels ann's, whose
    # time order is not the order they were read in.
    rows = []
    for i in range(12):
        rows.append(row(f"a{i}", "shop", f"Big news number {i}, come and see", f"03-05T10:{i:02d}"))
        if i < 5:
            text = ("@shop still no refund, awful", "@shop thanks, lovely service", "@shop do you open on Sunday?")[
                i % 3
            ]
            rows.append(row(f"b{i}", "ann", text, f"03-05T11:{9 - i:02d}"))
        elif i < 7:
            rows.append(row(f"s{i}", "shop", f"@ann so sorry about order {i - 5}, DM us", f"03-05T12:{i:02d}"))
        else:
            rows.append(
                row(f"c{i}", f"gil{i}", "hello world, lovely day" if i % 2 else "@shop thanks!", f"03-12T10:{i:02d}")
            )
    path = write(tmp_path / "ahead.jsonl", rows)
    alone = outcome([path], jobs=1)
    assert not slow_threading.exists()  # one process labels nothing ahead
    assert outcome([path], jobs=2) == alone
    steps = [line.split() for line in slow_threading.read_text().splitlines()]
    assert {(number, own) for _, number, _, own in steps} == {("0", "shop"), ("1", "ann")}
    # before the roles came, the shop's 2 and gil's 5; after them, ann's 5
    assert max(int(count) for kind, number, count, _ in steps if (kind, number) == ("read", "1")) == 7
    assert max(int(count) for kind, number, count, _ in steps if (kind, number) == ("known", "1")) == 12
    slow_threading.unlink()
    shop = pipeline.Account(frozenset({"shop"}), "option", "")
    assert outcome([path], jobs=2, account=shop) == outcome([path], jobs=1, account=shop)
    assert {own for *_, own in (line.split() for line in slow_threading.read_text().splitlines())} == {"shop"}
    for other in (write(tmp_path / "hostile.jsonl", HOSTILE), ROOT / "samples" / "responsive-brand.jsonl"):
        assert outcome([other], jobs=2) == outcome([other], jobs=1)


class Quiet:
    """A worker's end of the pipe with nothing from the parent for `looks` looks (then something)."""

    def __init__(self, looks: int) -> None:
        self.looks = looks
        self.waits: list[float] = []

    def poll(self, timeout: float = 0.0) -> bool:
        self.waits.append(timeout)
        self.looks -= 1
        return self.looks < 0


def message(message_id: str, author: str, text: str, **more: object) -> Message:
    from relaudit.normalise import normalise

    made = normalise(pipeline.RawRecord(row(message_id, author, text, "03-01T10:00", **more), Source("m", 1)))
    assert isinstance(made, Message)
    return made


def test_labelling_ahead_guesses_inbound_and_stops_when_the_parent_sends(monkeypatch):
    from relaudit.conversations import Role
    from relaudit.labels import Labeller
    from relaudit.resources import rules_dir

    lexicons = rules_dir() / "lexicons"
    messages = [
        message("1", "shop", "We are proud of our new store"),
        message("2", "ann", "@shop my order never came, awful"),
        message("3", "shop", "Sale now on"),
        message("4", "bob", "RT @shop sale", is_repost=True),
        message("5", "bob", "@shop where is my parcel?", is_private=True),
        message("6", "cy", "@shop thanks, lovely"),
    ] * 30
    ahead = owned._Ahead(lexicons, None, 0, 1)
    ahead.wait(Quiet(10), messages)
    assert not ahead.labels  # not before the parent says reading is over
    ahead.started = True
    conn = Quiet(2)
    ahead.wait(conn, messages)
    assert len(conn.waits) == 3 and ahead.done == 2 * owned.AHEAD_STEP  # two steps, then the parent spoke
    ahead.wait(Quiet(100), messages)
    assert ahead.done == len(messages) and ahead.own == frozenset({"shop"})  # the most frequent author
    expected = Labeller(lexicons, frozenset({"shop"}))
    assert sorted(ahead.labels) == [i for i, m in enumerate(messages) if m.id in ("2", "6")]
    assert all(ahead.labels[i] == expected.label(messages[i], Role.INBOUND) for i in ahead.labels)
    named = owned._Ahead(lexicons, frozenset({"cy"}), 0, 1)
    named.started = True
    named.wait(Quiet(100), messages)
    assert {messages[i].id for i in named.labels} == {"1", "2", "3"}  # the command line's account, not the guess


def test_labelling_ahead_takes_turns_and_gives_up_on_an_error(monkeypatch):
    from relaudit.resources import rules_dir

    messages = [message("1", "ann", "@shop help")] * 10 + [message("2", "shop", "Sale")] * 11
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    second = owned._Ahead(rules_dir() / "lexicons", None, 1, 2)  # of two workers, on two cores: one at a time
    assert second.together == 1
    second.started = True
    monkeypatch.setattr(owned.time, "monotonic", lambda: 0.01)  # the first worker's turn
    conn = Quiet(0)
    second.wait(conn, messages)
    assert conn.waits == [pytest.approx(owned.TURN - 0.01)] and not second.labels  # asleep till its own turn
    monkeypatch.setattr(owned.time, "monotonic", lambda: owned.TURN + 0.01)  # its turn
    second.wait(Quiet(100), messages)
    assert len(second.labels) == 10

    def broken(*args):
        raise ValueError("a bug")

    failing = owned._Ahead(rules_dir() / "lexicons", None, 0, 1)
    failing.started = True
    monkeypatch.setattr(failing.labeller, "label", broken)
    conn = Quiet(100)
    failing.wait(conn, messages)
    assert failing.stopped and not failing.labels and len(conn.waits) == 1  # once, then no more tries


def test_a_message_crosses_to_the_parent_as_plain_values_unchanged():
    import pickle

    whole = Message(
        "m1", "ann", "@shop see https://x.example #tag", datetime(2026, 3, 1, tzinfo=timezone.utc),
        Source("export.json", 7, "record"), "p0", "shop", True, "x", 3, 4, "https://x.example/m1", True,
        ("shop",), ("tag",), ("https://x.example",),
    )  # fmt: skip
    for message in (whole, Message("m2", "bob", "hi", datetime(2026, 3, 2, tzinfo=timezone.utc), Source("f", 1))):
        back = owned.message_of(pickle.loads(pickle.dumps(owned.message_values(message))))
        assert back == message and type(back) is Message
        assert back.source.path is sys.intern(message.source.path)  # one string for the file, as in a Source


def _sends_two_large_results_then_fails(conn, outbox, *rest):
    outbox.send(("read", "x" * 1_000_000))  # far more than a pipe holds: written by the outbox's thread
    outbox.send(("read", "y" * 1_000_000))
    Path(rest[-1]).write_text("sent", encoding="utf-8")  # (rest: _serve's work; its last, here, a marker's path)
    raise ValueError("after two results")


def test_a_worker_goes_on_while_the_parent_has_not_read_what_it_sent(tmp_path, monkeypatch):
    import multiprocessing
    import time

    monkeypatch.setattr(owned, "_work", _sends_two_large_results_then_fails)
    marker = tmp_path / "sent"
    parent_end, child_end = multiprocessing.get_context("fork").Pipe()
    process = multiprocessing.get_context("fork").Process(target=owned._serve, args=(child_end, (), str(marker)))
    process.start()
    child_end.close()
    began = time.monotonic()
    while not marker.exists() and time.monotonic() - began < 10:  # nothing read yet: a plain send would still wait
        time.sleep(0.01)
    assert marker.exists()
    # what was sent comes whole and in order, and the error after it
    assert parent_end.recv() == ("read", "x" * 1_000_000)
    assert parent_end.recv() == ("read", "y" * 1_000_000)
    kind, error = parent_end.recv()
    assert kind == "error" and isinstance(error, ValueError) and str(error) == "after two results"
    process.join(10)
    assert process.exitcode == 0


def test_an_outbox_whose_reader_is_gone_raises_on_the_next_send():
    import multiprocessing

    parent_end, child_end = multiprocessing.Pipe()
    parent_end.close()
    outbox = owned._Outbox(child_end)
    outbox.send(("read", "x" * 100_000))  # queued: its writing fails in the thread
    with pytest.raises(BrokenPipeError):
        outbox.close()
    with pytest.raises(BrokenPipeError):
        outbox.send(("done", None))
    child_end.close()


def test_an_outbox_send_that_waits_returns_once_it_is_written():
    import multiprocessing
    import threading
    import time

    parent_end, child_end = multiprocessing.Pipe()
    got: list[object] = []

    def read_later() -> None:
        time.sleep(0.2)  # a megabyte cannot be written into the pipe before this
        got.extend([parent_end.recv(), parent_end.recv()])

    outbox = owned._Outbox(child_end)
    outbox.send(("read", "x" * 1_000_000))  # returns at once: the thread writes it
    assert outbox._queue.unfinished_tasks == 1
    reader = threading.Thread(target=read_later)
    reader.start()
    outbox.send(("part", "y" * 1_000_000), wait=True)
    assert outbox._queue.unfinished_tasks == 0  # both written, in order
    reader.join()
    assert got == [("read", "x" * 1_000_000), ("part", "y" * 1_000_000)]
    outbox.close()
    child_end.close()
