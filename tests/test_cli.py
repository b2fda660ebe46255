"""The CLI contract: exit codes 0/1/2, one-line errors on stderr, --debug tracebacks, help and version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

BROADCAST = str(ROOT / "samples" / "broadcast-brand.jsonl")
RESPONSIVE = str(ROOT / "samples" / "responsive-brand.jsonl")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "relaudit", *args], capture_output=True, text=True, cwd=cwd)


def two_brands(tmp_path: Path) -> str:
    rows = [
        {"id": str(i), "author": "alpha" if i % 2 else "beta", "text": "hello", "created_at": 1790000000 + i}
        for i in range(10)
    ]
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["audit", "missing.jsonl"], "missing.jsonl: no such file or folder"),
        (["audit", "empty.jsonl"], "empty.jsonl: the file is empty"),
        (["audit", "prose.txt"], "prose.txt: unrecognised file; relaudit reads: "),
        (["audit", BROADCAST, "--bogus"], "No such option: --bogus"),
        (["audit", BROADCAST, "--account", "nobody"], "no message in the export is by @nobody"),
        (["audit", BROADCAST, "--as-of", "soon"], "--as-of: cannot read 'soon' as a date"),
        (["audit", BROADCAST, "--pending-window", "a while"], "--pending-window: 'a while' is not a duration"),
        (["audit", BROADCAST, "--fail-under", "Z"], "--fail-under takes one of A, B, C, D, F"),
        (["audit", BROADCAST, "--input-format", "myspace"], "unknown input format 'myspace'"),
        (
            ["audit", "bad.jsonl"],
            "no messages found; 2 records skipped, first: bad.jsonl:1: message 1: unparseable date",
        ),
        (["audit", BROADCAST, "--rules", "nope.yaml"], "nope.yaml: cannot read rule pack"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, args, expected):
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "prose.txt").write_text("Dear diary, nothing to see here.\n")
    (tmp_path / "bad.jsonl").write_text('{"id": "1", "author": "a", "created_at": "x"}\n{not json\n')
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("relaudit: error: "), result.stderr
    assert expected in lines[0]


def test_ambiguous_account_lists_candidates(tmp_path):
    result = run("audit", two_brands(tmp_path))
    assert result.returncode == 2
    assert "several accounts are equally plausible: @alpha (5 messages), @beta (5 messages)" in result.stderr


def test_debug_shows_the_traceback(tmp_path):
    result = run("--debug", "audit", "missing.jsonl", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "InputError" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([BROADCAST], 0),
        ([BROADCAST, "--fail-on", "error"], 1),
        ([BROADCAST, "--fail-under", "D"], 1),
        ([RESPONSIVE, "--fail-under", "B"], 0),
        ([RESPONSIVE, "--fail-on", "suggestion"], 1),
    ],
)
def test_gate_exit_codes(args, code):
    assert run("audit", *args, "--format", "json").returncode == code


def test_json_output_file(tmp_path):
    result = run("audit", RESPONSIVE, "--format", "json", "--output", "out.json", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == ""
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert report["schema_version"] == 1 and report["grade"] == "A"


def test_text_report_without_a_terminal_has_no_colour():
    result = run("audit", BROADCAST)
    assert result.returncode == 0 and "\x1b" not in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_help_and_version():
    assert run("--version").stdout.startswith("relaudit ")
    bare = run()
    assert bare.returncode == 0 and "Usage: relaudit" in bare.stdout
    assert "--fail-on" in run("audit", "--help").stdout


def test_formats_lists_every_loader_with_coverage():
    from relaudit.loaders import LOADERS

    out = run("formats").stdout
    for name in LOADERS:
        assert f"{name}\n" in out
    assert out.count("contains: ") == len(LOADERS) and out.count("lacks: ") == len(LOADERS)


ENDING = "import atexit, sys; atexit.register(lambda: print('exit handlers ran', file=sys.stderr)); "


@pytest.mark.parametrize("entry", ["run", "main"])
def test_the_console_script_ends_at_once_with_the_audit_code_and_all_its_output(entry: str) -> None:
    from relaudit.pipeline import AuditOptions, audit
    from relaudit.render import RENDERERS

    report = audit([Path(BROADCAST)], AuditOptions())
    start = f"from relaudit.cli import {entry}; {entry}()"
    for output, expected in (("json", RENDERERS["json"](report, None, False)), ("text", None)):
        argv = ["relaudit", "audit", BROADCAST, "--format", output, "--fail-on", "warning"]
        done = subprocess.run(
            [sys.executable, "-c", f"{ENDING}sys.argv = {argv!r}; {start}"], capture_output=True, text=True
        )
        assert done.returncode == 1, done.stderr  # --fail-on's code, through os._exit too
        assert done.stdout == (expected or RENDERERS["text"](report, 80, False))
        # run() (the console script, `python -m relaudit`) drops what the audit made at once; main() exits as usual
        assert ("exit handlers ran" in done.stderr) is (entry == "main")
    failed = subprocess.run(
        [sys.executable, "-c", f"{ENDING}sys.argv = ['relaudit', 'audit', 'nowhere.jsonl']; {start}"],
        capture_output=True,
        text=True,
    )
    assert failed.returncode == 2 and "nowhere.jsonl: no such file" in failed.stderr


def test_the_console_script_ends_well_with_standard_output_closed_or_under_a_tracer(tmp_path: Path) -> None:
    import os

    out = tmp_path / "report.json"
    argv = ["relaudit", "audit", BROADCAST, "--format", "json", "-o", str(out)]
    start = f"{ENDING}sys.argv = {argv!r}; from relaudit.cli import run; run()"
    closed = subprocess.run(  # started with descriptor 1 closed, as from some schedulers: sys.stdout is None
        [sys.executable, "-c", start],
        capture_output=False,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
    )
    assert closed.returncode == 0, closed.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["account"] == "brightbrew"
    assert "exit handlers ran" not in closed.stderr
    traced = f"import sys; sys.settrace(lambda *a: None); {start}"  # coverage, say: it saves its data at the end
    done = subprocess.run([sys.executable, "-c", traced], capture_output=True, text=True)
    assert done.returncode == 0 and "exit handlers ran" in done.stderr
