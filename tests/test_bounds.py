"""Resource bounds: alias bombs and code tags in YAML, a 10 MB message, a huge JSONL file, a very deep reply chain.

Zip bombs and paths that climb out of an archive are refused in loaders/container.py and tested in
tests/test_container.py; runaway rule regexes are bounded in patterns.py and tested in tests/test_patterns.py.
The long versions of the big-file tests run with RELAUDIT_LONG=1 (1,000,000 lines, a full audit of the deep chain).
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from relaudit.account import Account, from_option
from relaudit.cli import main
from relaudit.conversations import Role, build
from relaudit.pipeline import AuditOptions, audit, read_messages
from relaudit.render import RENDERERS
from tests.conftest import msg

LONG = bool(os.environ.get("RELAUDIT_LONG"))
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)

RULE = """
  - id: my-rule
    title: Mine
    pillar: conversation
    level: warning
    scope: {scope}
    message: m
    why: w
    fix: f
    type: phrases
    phrases: [hello]
"""


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """Exit code and standard error of `relaudit ARGV` run in-process through cli.main."""
    monkeypatch.setattr("sys.argv", ["relaudit", *argv])
    with pytest.raises(SystemExit) as stop:
        main()
    return int(stop.value.code or 0), capsys.readouterr().err


def _laughs(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    return "\n".join(lines) + "\nrules:" + RULE.format(scope=f"*a{levels - 1}")


def test_billion_laughs_rule_pack_is_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "laughs.yaml"
    pack.write_text(_laughs(9), encoding="utf-8")  # 10**9 "lol"s once expanded
    tracemalloc.start()
    started = time.monotonic()
    code, err = run_cli(["rules", "validate", str(pack)], capsys, monkeypatch)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 2
    assert err == f"relaudit: error: {pack}: refused: expands to more than 200,000 values (an alias bomb?)\n"
    assert time.monotonic() - started < 5
    assert peak < 100 * 1024**2


def test_small_aliases_in_a_rule_pack_still_work(tmp_path: Path) -> None:
    from relaudit.rulepack import load_packs

    pack = tmp_path / "aliases.yaml"
    pack.write_text("scopes: &s [own-post, own-reply]\nrules:" + RULE.format(scope="*s"), encoding="utf-8")
    (rule,) = load_packs([pack])
    assert rule.scopes == ("own-post", "own-reply")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # PyYAML >= 6.0.3 has its own depth limit; before it, yamlsafe.py catches the RecursionError.
        ("rules: " + "[" * 5000 + "]" * 5000 + "\n", "nest"),
        ("a: &a [*a]\nrules: *a\n", "refused: an alias refers to a value that contains it"),
    ],
    ids=["deep", "self-reference"],
)
def test_deep_or_looping_rule_pack_is_one_line(
    text: str, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "odd.yaml"
    pack.write_text(text, encoding="utf-8")
    code, err = run_cli(["rules", "validate", str(pack)], capsys, monkeypatch)
    assert code == 2
    assert err.startswith(f"relaudit: error: {pack}: ") and reason in err and err.count("\n") == 1


@pytest.mark.parametrize("where", ["rules", "config"])
def test_python_tags_are_refused_and_never_run(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    hostile = tmp_path / "hostile.yaml"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]'
    if where == "rules":
        hostile.write_text(f"rules:\n  - {payload}\n", encoding="utf-8")
        argv = ["rules", "validate", str(hostile)]
    else:
        hostile.write_text(f"account: {payload}\n", encoding="utf-8")
        argv = [
            "audit",
            str(Path(__file__).parents[1] / "samples" / "responsive-brand.jsonl"),
            "--config",
            str(hostile),
        ]
    code, err = run_cli(argv, capsys, monkeypatch)
    assert code == 2
    assert "could not determine a constructor for the tag 'tag:yaml.org,2002:python/object/apply:os.system'" in err
    assert err.startswith(f"relaudit: error: {hostile}: invalid YAML") and err.count("\n") == 1
    assert not marker.exists()


def test_config_alias_bomb_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / ".relaudit.yaml"
    config.write_text(_laughs(9).split("\nrules:")[0] + "\nselect: *a8\n", encoding="utf-8")
    sample = Path(__file__).parents[1] / "samples" / "responsive-brand.jsonl"
    code, err = run_cli(["audit", str(sample), "--config", str(config)], capsys, monkeypatch)
    assert (code, err) == (
        2,
        f"relaudit: error: {config}: refused: expands to more than 200,000 values (an alias bomb?)\n",
    )


def _line(number: int, author: str, minute: int, text: str, reply_to: str | None = None) -> str:
    created = (T0 + timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(
        {"id": f"m{number}", "author": author, "text": text, "created_at": created, "in_reply_to": reply_to}
    )


def test_ten_megabyte_message(tmp_path: Path) -> None:
    """The whole text is kept (JSON has it all); the terminal shows a bounded excerpt; it takes seconds."""
    big = "@shop my order never came! " + "x" * 10_000_000
    path = tmp_path / "big.jsonl"
    path.write_text(
        "\n".join([_line(0, "shop", 0, "Hello"), _line(1, "ann", 1, big), _line(2, "shop", 90, "@ann sorry", "m1")]),
        encoding="utf-8",
    )
    started = time.monotonic()
    report = audit([path], AuditOptions(account=from_option(["shop"])))
    text = RENDERERS["text"](report, 80, False)
    assert time.monotonic() - started < 30
    assert report.analysis.counts["inbound"] == 1 and report.analysis.counts["messages"] == 3
    assert max(len(line) for line in text.splitlines()) <= 80
    assert len(text) < 20_000


def _many_lines(path: Path, count: int) -> None:
    middle = count // 2
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            if n == middle:
                out.write('{"id": "broken", "author": \n')
            elif n % 3 == 0:
                out.write(_line(n, "shop", n, "New stock today") + "\n")
            else:
                out.write(_line(n, f"user{n % 50}", n, "@shop where is my order?") + "\n")


def test_large_jsonl_with_one_bad_line_in_the_middle(tmp_path: Path) -> None:
    """100,000 lines in the normal suite (read and normalised); RELAUDIT_LONG=1 audits 1,000,000 in full."""
    count = 1_000_000 if LONG else 100_000
    path = tmp_path / "many.jsonl"
    _many_lines(path, count)
    if LONG:
        report = audit([path], AuditOptions(account=from_option(["shop"])))
        assert (report.records, report.analysis.counts["skipped"]) == (count, 1)
        warnings = [w for w in report.warnings if "bad JSON" in w]
    else:
        loaded = read_messages([path], AuditOptions())
        assert (loaded.records, len(loaded.messages), len(loaded.skipped)) == (count, count - 1, 1)
        warnings = [str(s) for s in loaded.skipped]
    assert len(warnings) == 1 and warnings[0].startswith(f"{path}:{count // 2 + 1}: bad JSON")


def _chain(depth: int) -> list:
    """A reply chain: customer, brand, customer, ... each replying to the one before."""
    return [
        msg(
            str(n + 1),
            "ann" if n % 2 == 0 else "shop",
            n,
            "@shop hi" if n % 2 == 0 else "@ann hello",
            str(n) if n else None,
        )
        for n in range(depth)
    ]


def test_reply_chain_100000_deep_builds_without_recursion() -> None:
    messages = _chain(100_000)
    conv = build(messages, Account(frozenset({"shop"}), "option", ""), None, timedelta(hours=24))
    assert conv.roles["100000"] is Role.REPLY and conv.roles["99999"] is Role.INBOUND
    assert len(conv.responses) == 50_000 and conv.responses["1"].minutes == 1.0


@pytest.mark.skipif(not LONG, reason="long run only (RELAUDIT_LONG=1): a full audit of 100,000 messages")
def test_reply_chain_100000_deep_audits(tmp_path: Path) -> None:
    path = tmp_path / "chain.jsonl"
    lines = [
        _line(
            n,
            "ann" if n % 2 == 0 else "shop",
            n,
            "@shop hi" if n % 2 == 0 else "@ann hello",
            f"m{n - 1}" if n else None,
        )
        for n in range(100_000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = audit([path], AuditOptions(account=from_option(["shop"])))
    assert report.analysis.counts["own_replies"] == 50_000
    assert report.analysis.metrics["response_rate"] == 1.0
