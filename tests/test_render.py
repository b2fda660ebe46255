"""Renderers: every format registered, terminal output safe from export text, readable at 80 columns."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from relaudit.pipeline import AuditOptions, audit
from relaudit.render import RENDERERS
from relaudit.render.safe import safe_text

HOSTILE = (
    "[bold red]markup[/] \x1b[2J\x1b]8;;http://evil.example\x07link\x1b]8;;\x07 "
    "\u202eevil\u202c zero\u200bwidth \x9b31m " + "x" * 500
)


def write_export(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def hostile_report(tmp_path):
    records = [
        {"id": str(i), "author": "shop", "text": f"Post {i} about our shop", "created_at": f"2026-01-0{i}T10:00:00Z"}
        for i in range(1, 4)
    ]
    records.append({"id": "8", "author": "shop", "text": "Shop now! " + HOSTILE, "created_at": "2026-01-01T12:00:00Z"})
    records.append(
        {
            "id": "9",
            "author": "ev\x1b[31mil",
            "text": "@shop my order never arrived, still waiting " + HOSTILE,
            "created_at": "2026-01-01T11:00:00Z",
        }
    )
    return audit([write_export(tmp_path / "e.jsonl", records)], AuditOptions(pending_window=timedelta(hours=1)))


def test_registry_covers_every_format():
    from relaudit.cli import Format

    assert set(RENDERERS) == {f.value for f in Format}


def test_safe_text_neutralises_controls():
    shown = safe_text("a\x1b[2Jb\u202ec\u200bd\x07e\nf")
    assert shown == "a\\x1b[2Jb\\u202ec\\u200bd\\x07e f"


@pytest.mark.parametrize("color", [False, True])
def test_terminal_report_shows_hostile_text_literally(hostile_report, color):
    out = RENDERERS["text"](hostile_report, 80, color)
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\u202e" not in out and "\u200b" not in out
    assert "\x9b" not in out
    assert "[bold red]markup[/]" in out  # shown as typed, not interpreted
    if not color:
        assert "\x1b" not in out
        assert max(len(line) for line in out.splitlines()) <= 80


def test_json_stays_valid_with_hostile_text(hostile_report):
    data = json.loads(RENDERERS["json"](hostile_report, None, False))
    assert data["schema_version"] == 1
    sell = next(f for f in data["findings"] if f["rule"] == "hard-sell")
    assert sell["message_id"] == "8"
    assert sell["excerpt"].startswith("Shop now! [bold red]markup[/] \x1b[2J")  # JSON keeps the text, escaped


def test_export_without_inbound_says_what_it_cannot_show(tmp_path):
    records = [
        {"id": str(i), "author": "shop", "text": f"Post {i}", "created_at": f"2026-01-0{i}T10:00:00Z"}
        for i in range(1, 4)
    ]
    report = audit([write_export(tmp_path / "own.jsonl", records)], AuditOptions())
    assert report.coverage is not None and "no messages from other people" in report.coverage
    assert "Not measured: This export holds no messages" in RENDERERS["text"](report, 80, False)
    assert json.loads(RENDERERS["json"](report, None, False))["pillars"]["responsiveness"]["measured"] is False


def test_streamed_json_is_json_dumps_byte_for_byte(tmp_path):
    from relaudit.cli import _write_chunks
    from relaudit.render.json_format import json_chunks, render_json
    from tests.conftest import ROOT

    report = audit([ROOT / "samples" / "responsive-brand.jsonl"], AuditOptions())
    expected = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert render_json(report) == expected
    out = tmp_path / "report.json"
    _write_chunks(json_chunks(report), out, flush_at=100)  # many small flushes
    assert out.read_text(encoding="utf-8") == expected


@pytest.mark.parametrize(
    "findings",
    [
        [],
        [{}],
        [{"rule": "a", "excerpt": None, "text": 'é \u2028 \x00 \ud800 "quoted" \\ \n new line'}],
        [{"rule": "a", "severity": 0.5}, {"rule": "b", "nested": {"x": [1, None]}}, {"rule": "c"}],
        [{1: "int key"}, {"rule": True}, "not an object", None, [], {"rule": "d"}],
        [{"rule": str(i), "source": f"f.jsonl:{i}"} for i in range(4_005)],  # more than one piece
    ],
)
def test_findings_text_is_json_dumps_byte_for_byte(findings):
    from relaudit.render.json_format import _object

    data = {"schema_version": 1, "metrics": {"x": 0.1, "y": None}, "findings": findings, "warnings": ["w\n"]}
    assert "".join(_object(data)) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert "".join(_object({})) == "{}\n"
    assert "".join(_object({"findings": "not a list"})) == json.dumps({"findings": "not a list"}, indent=2) + "\n"


def test_finding_objects_are_written_as_their_rows_would_be():
    from datetime import datetime, timedelta, timezone

    from relaudit.engine import Finding
    from relaudit.render.json_format import _object
    from relaudit.report import finding_row

    when = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
    later = when.astimezone(timezone(timedelta(hours=5)))  # the same moment, written at +05:00
    findings = [
        Finding(
            "hard-sell", "warning", "audience-value", 'Pushes a sale: "buy now"', 2.0, "1", when, "Buy now!", "a:1"
        ),
        Finding("never-asks", "suggestion", "conversation", "Asks nothing", 1.0),  # the account's: no message
        Finding("r", "error", "p", 'é \u2028 \x00 \ud800 "q" \\ \n', 0.0, "ü", later),
        Finding("r", "error", "p", "an id of another type", 0.0, 42, None, "", ""),  # type: ignore[arg-type]
        Finding("r", "error", "p", "naive time", 0.0, "2", datetime(2026, 1, 2, 3, 4, 5), None, None),  # type: ignore[arg-type]
    ]
    data = {"schema_version": 1, "findings": findings, "warnings": []}
    rows = {"schema_version": 1, "findings": [finding_row(f) for f in findings], "warnings": []}
    text = "".join(_object(data))
    assert text == json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    assert '"message_id": 42' in text and '"message_id": null' in text  # the other type, and none
    assert text.count('"created_at": "2026-03-01T09:30:00Z"') == 2  # the +05:00 one in UTC too
    assert '"created_at": "2026-01-02T03:04:05Z"' in text and '"excerpt": null' in text


@pytest.fixture
def ahead_always(monkeypatch):
    """Findings written ahead by a child process for any report, and whether each audit's child text was used."""
    from relaudit.render import json_format

    monkeypatch.setattr(json_format, "AHEAD_AT", 1)
    monkeypatch.setattr(json_format, "_single_threaded", lambda: True)  # (other tests leave threads behind)
    used: list[bool] = []
    text = json_format.FindingsAhead.text

    def spy(self, findings):
        result = text(self, findings)
        used.append(result is not None)
        return result

    monkeypatch.setattr(json_format.FindingsAhead, "text", spy)
    return used


def _cli_json(*args: str) -> str:
    from typer.testing import CliRunner

    from relaudit.cli import app

    result = CliRunner().invoke(app, ["audit", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_findings_written_ahead_make_the_same_report(ahead_always, tmp_path):
    from tests.conftest import ROOT

    sample = ROOT / "samples" / "broadcast-brand.jsonl"
    expected = json.dumps(audit([sample], AuditOptions()).to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert expected.count('"rule": ') > 5
    assert '"rule": "broadcast-only"' in expected.split('"message_id": "')[0]  # an account finding comes first
    assert _cli_json(str(sample)) == expected
    out = tmp_path / "report.json"
    _cli_json(str(sample), "-o", str(out))
    assert out.read_text(encoding="utf-8") == expected
    assert ahead_always == [True, True]


def test_findings_written_ahead_leave_out_the_ignored_messages(ahead_always, tmp_path):
    from tests.conftest import ROOT

    sample = ROOT / "samples" / "broadcast-brand.jsonl"
    every = audit([sample], AuditOptions()).findings
    ignored = {every[-1].message_id, every[len(every) // 2].message_id} - {None}
    config = tmp_path / ".relaudit.yaml"
    config.write_text("ignore_messages: [" + ", ".join(f'"{i}"' for i in sorted(ignored)) + "]\n", encoding="utf-8")
    expected = audit([sample], AuditOptions(ignore_messages=frozenset(ignored)))
    assert len(expected.findings) < len(every) and expected.findings[0].rule == "broadcast-only"
    text = json.dumps(expected.to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert _cli_json(str(sample), "--config", str(config)) == text
    assert ahead_always == [True]


def test_a_redacted_report_is_not_written_ahead(ahead_always):
    from relaudit.account import from_option
    from relaudit.redact import redact_report
    from tests.conftest import ROOT

    private = ROOT / "tests" / "fixtures" / "hostile" / "private.jsonl"
    redacted = redact_report(audit([private], AuditOptions(account=from_option(["shopco"]))))
    assert redacted.findings
    assert (
        _cli_json(str(private), "--account", "shopco", "--redact")
        == json.dumps(redacted.to_dict(), indent=2, ensure_ascii=False) + "\n"
    )
    assert ahead_always == [False]


def test_a_child_that_fails_leaves_the_findings_to_the_parent(ahead_always, monkeypatch):
    import os

    from relaudit.render import json_format
    from tests.conftest import ROOT

    parent, findings_text = os.getpid(), json_format._list

    def only_here(rows):
        if os.getpid() != parent:
            yield "[half"
            raise OSError("no space left on the device")
        yield from findings_text(rows)

    monkeypatch.setattr(json_format, "_list", only_here)
    sample = ROOT / "samples" / "broadcast-brand.jsonl"
    expected = json.dumps(audit([sample], AuditOptions()).to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert _cli_json(str(sample)) == expected
    assert ahead_always == [False]


def test_text_of_other_findings_is_not_used_and_a_running_child_is_stopped(monkeypatch):
    import os
    import time

    from relaudit.engine import Finding
    from relaudit.render import json_format

    monkeypatch.setattr(json_format, "AHEAD_AT", 1)
    monkeypatch.setattr(json_format, "_single_threaded", lambda: True)
    findings = [Finding("r", "warning", "p", "m", 1.0, "1")]
    with json_format.FindingsAhead() as ahead:
        ahead.start(findings)
        assert ahead.pid > 0
        assert ahead.text(list(findings)) is not None  # equal findings, the same objects: its text
    with json_format.FindingsAhead() as ahead:
        ahead.start(findings)
        pid = ahead.pid
        assert ahead.text([Finding("r", "warning", "p", "m", 1.0, "1")]) is None  # equal, but other objects
        assert ahead.pid == 0 and ahead.file is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # reaped
    monkeypatch.setattr(json_format, "_list", lambda rows: iter([time.sleep(60) or ""]))
    ahead = json_format.FindingsAhead()
    ahead.start(findings)
    pid, began = ahead.pid, time.monotonic()
    ahead.close()  # a child still writing is killed, not waited for
    assert time.monotonic() - began < 5 and ahead.pid == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)


def test_a_childs_text_follows_the_first_findings_only_when_it_is_the_rest_of_them(monkeypatch):
    from relaudit.engine import Finding
    from relaudit.render import json_format

    monkeypatch.setattr(json_format, "AHEAD_AT", 0)
    monkeypatch.setattr(json_format, "_single_threaded", lambda: True)
    account, message = Finding("a", "error", "p", "m", 1.0), Finding("r", "warning", "p", "m", 1.0, "1")
    with json_format.FindingsAhead() as ahead:
        ahead.start([message])
        assert "".join(json_format.as_text(ahead.text([account, message]) or "")) == "".join(
            json_format._list([account, message])
        )
    with json_format.FindingsAhead() as ahead:
        ahead.start([message])
        assert ahead.text([message, account]) is None  # its findings are not the last ones
    with json_format.FindingsAhead() as ahead:
        ahead.start([])  # a child of no findings: its "[]" follows nothing
        assert ahead.pid > 0 and ahead.text([account]) is None


def test_no_child_is_forked_while_another_thread_runs(monkeypatch):
    import threading

    from relaudit.engine import Finding
    from relaudit.render import json_format

    monkeypatch.setattr(json_format, "AHEAD_AT", 1)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with json_format.FindingsAhead() as ahead:
            ahead.start([Finding("r", "warning", "p", "m", 1.0, "1")])
            assert ahead.pid == 0 and ahead.file is None  # a lock held by that thread would be held for ever
    finally:
        release.set()
        other.join()


def test_a_child_forked_as_ctrl_c_arrives_is_still_stopped(monkeypatch):
    import os
    import signal

    from relaudit.engine import Finding
    from relaudit.render import json_format

    monkeypatch.setattr(json_format, "AHEAD_AT", 1)
    monkeypatch.setattr(json_format, "_single_threaded", lambda: True)
    monkeypatch.setattr(json_format, "_list", lambda rows: iter([__import__("time").sleep(60) or ""]))
    parent, mask = os.getpid(), signal.pthread_sigmask

    def interrupted(how, signals):
        previous = mask(how, signals)
        if how == signal.SIG_SETMASK and os.getpid() == parent:
            raise KeyboardInterrupt  # as a Ctrl-C held back during the fork is, once the mask is restored
        return previous

    monkeypatch.setattr(json_format.signal, "pthread_sigmask", interrupted)
    ahead = json_format.FindingsAhead()
    with pytest.raises(KeyboardInterrupt):
        ahead.start([Finding("r", "warning", "p", "m", 1.0, "1")])
    pid = ahead.pid
    assert pid > 0
    ahead.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, 0)  # killed and reaped, not left writing


def _copied(tmp_path, text: str, start: int = 0):
    import tempfile

    from relaudit.render import json_format

    file = tempfile.TemporaryFile(dir=tmp_path)  # noqa: SIM115 (closed by the caller)
    file.write(text.encode("utf-8"))
    file.flush()
    return json_format.Copied(file, start)


# "é" and "€" astride the megabyte at which Copied.pieces() reads
_ASTRIDE = "a" * ((1 << 20) - 1) + "é€ and on\n" + "ü" * 1000


def test_text_in_a_file_reads_back_whole_from_its_start(tmp_path):
    copied = _copied(tmp_path, "[\n    " + _ASTRIDE, start=6)
    assert "".join(copied.pieces()) == _ASTRIDE
    assert copied.file.tell() == len(("[\n    " + _ASTRIDE).encode())  # the file's own offset left alone
    copied.file.close()


def test_text_in_a_file_is_copied_as_bytes_to_a_utf8_file_and_written_as_text_elsewhere(tmp_path, monkeypatch):
    import io
    import os

    from relaudit.cli import _write_chunks

    calls: list[int] = []
    sendfile = os.sendfile
    monkeypatch.setattr(os, "sendfile", lambda *args: calls.append(1) or sendfile(*args))
    copied = _copied(tmp_path, _ASTRIDE)
    out = tmp_path / "out.json"
    _write_chunks(["before ", copied, " after"], out, flush_at=3)
    assert out.read_text(encoding="utf-8") == "before " + _ASTRIDE + " after" and calls  # in the kernel
    calls.clear()
    latin = io.TextIOWrapper(io.FileIO(tmp_path / "latin.txt", "w"), encoding="latin-1", errors="replace")
    _copied(tmp_path, "é€").write_to(latin)  # its bytes would not be what this handle writes
    latin.close()
    assert (tmp_path / "latin.txt").read_bytes() == b"\xe9?" and not calls
    memory = io.StringIO()  # no descriptor
    copied.write_to(memory)
    assert memory.getvalue() == _ASTRIDE and not calls
    copied.file.close()


def test_bytes_are_copied_without_sendfile_where_the_target_takes_none(tmp_path, monkeypatch):
    import errno
    import os

    from relaudit.render import json_format

    real, calls = os.sendfile, []

    def refuses_after_a_start(target, source, offset, count):
        calls.append(offset)
        if len(calls) == 1:
            return real(target, source, offset, 1000)  # part of it, then no more
        raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(os, "sendfile", refuses_after_a_start)
    copied = _copied(tmp_path, _ASTRIDE, start=3)
    with open(tmp_path / "out", "wb") as target:
        json_format._copy(copied.file.fileno(), 3, target.fileno())
    assert (tmp_path / "out").read_bytes() == _ASTRIDE.encode()[3:] and calls == [3, 1003]

    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "sendfile", no_space)
    with open(tmp_path / "out", "wb") as target, pytest.raises(OSError, match="No space"):
        json_format._copy(copied.file.fileno(), 0, target.fileno())
    copied.file.close()
