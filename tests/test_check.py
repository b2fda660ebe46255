"""`relaudit check`: reading drafts, positions in the user's file, platform lengths, the gate, suppressions."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from relaudit import cli
from relaudit.drafts.length import cut_offset, measure
from relaudit.drafts.read import csv_drafts, read_inputs, text_drafts

PUSHY = (
    "We are proud to announce our award-winning collection!\n"
    "BUY NOW, limited time only!!! #sale #deal #shop #new #style\n"
)
FRIENDLY = "You asked for lighter bags, so we made one. What would you carry in it?\n"


def run(monkeypatch, capsys, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run the CLI in-process (as `relaudit ARGS`): exit code, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["relaudit", *args])
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8"))))
    with pytest.raises(SystemExit) as stop:
        cli.main()
    out, err = capsys.readouterr()
    return int(stop.value.code or 0), out, err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# Lengths, counted by hand the way each composer counts.
@pytest.mark.parametrize(
    ("text", "platform", "expected"),
    [
        ("a" * 280, "x", 280),
        ("日本語", "x", 6),  # CJK weighs 2 on X
        ("hi 👋🏽", "x", 5),  # "hi " 3 + one emoji (with its skin tone) 2
        ("see https://example.com/" + "x" * 60, "x", 4 + 23),  # any link is 23
        ("hi @bob@mastodon.social https://example.com/" + "x" * 40, "mastodon", 8 + 23),  # @bob and a 23 link
        ("👨‍👩‍👧 é", "bluesky", 3),  # a family emoji is one grapheme
        ("👨‍👩‍👧 é", "linkedin", 7),  # five code points for the family, a space, é
    ],
)
def test_platform_lengths(text, platform, expected):
    assert measure(text, platform) == expected


def test_cut_offset_is_the_longest_prefix_that_fits():
    assert cut_offset("a" * 300, "x") == 280
    assert cut_offset("日" * 150, "x") == 140
    assert cut_offset("short", "x") is None


def test_text_drafts_split_on_rules_with_front_matter_and_suppressions():
    text = (
        "---\nplatform: Twitter\n---\nFirst draft\n\n---\n"
        "<!-- relaudit: ignore hard-sell, bragging -->\n\nSecond\nline\n"
    )
    warnings: list[str] = []
    drafts = list(text_drafts("a.md", text, warnings))
    assert [d.text for d in drafts] == ["First draft", "Second\nline"]
    assert [d.platform for d in drafts] == ["x", "x"]
    assert drafts[1].suppressions[0].rules == ("hard-sell", "bragging")
    assert drafts[1].suppressions[0].line == 7
    assert drafts[1].position(0) == (9, 1)  # "Second" is on line 9
    assert drafts[1].position(7) == (10, 1)  # "line", after the line break
    assert warnings == []


def test_csv_cell_positions_survive_quotes_and_line_breaks():
    text = 'date,text\n2026-12-01,"He said ""hi""\nthen BUY NOW"\n'
    (draft,) = csv_drafts("c.csv", text, [])
    assert draft.text == 'He said "hi"\nthen BUY NOW'
    assert draft.row == 2
    assert draft.position(draft.text.index("hi")) == (2, 23)  # 2026-12-01,"He said "" is 22 characters
    assert draft.position(draft.text.index("BUY")) == (3, 6)


def test_json_positions_survive_escapes(tmp_path):
    path = write(tmp_path, "cal.json", '{"posts": [\n  {"text": "A \\"q\\" \\u00e9 BUY NOW", "platform": "bsky"}\n]}\n')
    (draft,) = read_inputs([path], None, None).drafts
    assert draft.text == 'A "q" é BUY NOW'
    assert draft.platform == "bluesky"
    assert draft.position(draft.text.index("BUY")) == (2, 28)  # A \"q\" \u00e9 and a space: 15 from column 13


def test_a_pushy_draft_fails_and_a_reader_first_one_passes(tmp_path, monkeypatch, capsys):
    pushy, friendly = write(tmp_path, "pushy.md", PUSHY), write(tmp_path, "friendly.md", FRIENDLY)
    code, out, _ = run(monkeypatch, capsys, "check", pushy, "--fail-on", "warning")
    assert code == 1
    assert "hard-sell" in out and "self-centred-pitch" in out
    assert "1 draft checked, 1 with findings: 0 errors, 2 warnings, 3 suggestions" in out
    code, out, _ = run(monkeypatch, capsys, "check", friendly, "--fail-on", "warning")
    assert code == 0
    assert "1 draft checked, 0 with findings" in out


def test_default_gate_is_error_and_max_warnings_counts(tmp_path, monkeypatch, capsys):
    pushy = write(tmp_path, "pushy.md", PUSHY)
    assert run(monkeypatch, capsys, "check", pushy)[0] == 0  # two warnings, no error
    assert run(monkeypatch, capsys, "check", pushy, "--max-warnings", "2")[0] == 0
    assert run(monkeypatch, capsys, "check", pushy, "--max-warnings", "1")[0] == 1
    assert run(monkeypatch, capsys, "check", pushy, "--fail-on", "suggestion")[0] == 1


def test_json_findings_point_into_the_file(tmp_path, monkeypatch, capsys):
    pushy = write(tmp_path, "pushy.md", PUSHY)
    _code, out, _ = run(monkeypatch, capsys, "check", pushy, "--format", "json")
    report = json.loads(out)
    where = {f["rule"]: (f["line"], f["column"], f["end_column"]) for f in report["findings"]}
    assert where["hard-sell"] == (2, 1, 8)  # "BUY NOW"
    assert where["bragging"] == (1, 8, 25)  # "proud to announce"
    assert where["hashtag-stuffing"] == (2, 31, 36)  # the first hashtag, "#sale"
    assert report["summary"] == {"error": 0, "warning": 2, "suggestion": 3}
    assert report["statistics"][0] == {"rule": "hard-sell", "level": "warning", "count": 1}


def test_platform_length_is_an_error_with_its_position(tmp_path, monkeypatch, capsys):
    long = write(tmp_path, "long.txt", "Our roast is here. " + "x" * 270 + "\n")
    code, out, _ = run(monkeypatch, capsys, "check", long, "--platform", "x", "--format", "json")
    (finding,) = [f for f in json.loads(out)["findings"] if f["rule"] == "platform-length"]
    assert code == 1
    assert finding["message"] == "289 characters as x counts them: 9 over the limit of 280"
    assert (finding["line"], finding["column"]) == (1, 281)
    assert run(monkeypatch, capsys, "check", long, "--platform", "linkedin")[0] == 0


def test_calendar_link_column_counts_toward_length(tmp_path, monkeypatch, capsys):
    text = "a" * 257  # 257 + a space + a 23-character link = 281 on X
    cal = write(
        tmp_path, "cal.csv", f"platform,text,link\nx,{text},https://shop.example/a\nx,{text[:-1]},https://s.example\n"
    )
    _code, out, _ = run(monkeypatch, capsys, "check", cal, "--format", "json")
    found = [(f["rule"], f["draft"]) for f in json.loads(out)["findings"]]
    assert ("platform-length", 1) in found and ("platform-length", 2) not in found


def test_suppressions_unused_and_unknown_are_noted(tmp_path, monkeypatch, capsys):
    text = (
        "# relaudit: ignore hard-sell\nShop now!\n---\n"
        "// relaudit: ignore bragging, no-such-rule\nHello there, how are you?\n"
    )
    path = write(tmp_path, "s.md", text)
    _code, out, _ = run(monkeypatch, capsys, "check", path, "--format", "json")
    report = json.loads(out)
    assert report["findings"] == [] and report["suppressed"] == 1
    notes = [(n["line"], n["kind"]) for n in report["notes"]]
    assert notes == [(2, "not-checked"), (4, "unused-suppression"), (4, "unknown-rule")]  # draft 1 starts on line 2


def test_calendar_repeats_and_promotion_share(tmp_path, monkeypatch, capsys):
    rows = ["date,text"]
    for day in range(1, 11):
        rows.append(f"2026-12-{day:02d},Sale! 20% off everything in store this week")  # promotional, and repeated
    rows.append("2026-12-11,What are you brewing this weekend?")
    cal = write(tmp_path, "cal.csv", "\n".join(rows) + "\n")
    _code, out, _ = run(monkeypatch, capsys, "check", cal, "--format", "json")
    report = json.loads(out)
    repeats = [f for f in report["findings"] if f["rule"] == "scheduled-twice"]
    assert len(repeats) == 9  # every repeat after the first
    assert repeats[0]["message"] == f"Same text as the draft at {cal}:2"
    assert any(f["rule"] == "promo-heavy" and f["draft"] == 0 for f in report["findings"])


def test_standard_input_with_a_name(monkeypatch, capsys):
    _code, out, _ = run(monkeypatch, capsys, "check", "-", "--stdin-filename", "post.md", "-f", "json", stdin=PUSHY)
    report = json.loads(out)
    assert report["files"] == ["post.md"]
    assert {f["path"] for f in report["findings"]} == {"post.md"}


def test_github_annotations_are_escaped_and_chosen_in_actions(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "a,b:c.md", "Shop now, 100% off!\n")
    monkeypatch.setattr(sys, "argv", ["relaudit", "check", path])
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    with pytest.raises(SystemExit):
        cli.main()
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("::warning file=")
    assert "a%2Cb%3Ac.md,line=1,col=1," in first
    assert first.endswith('::Hard-sell wording: "shop now"')


def test_junit_is_xml_with_one_case_per_draft(tmp_path, monkeypatch, capsys):
    import xml.etree.ElementTree as ET

    path = write(tmp_path, "two.md", PUSHY + "---\n" + FRIENDLY + "\x1b[31m\x00\n")
    _code, out, _ = run(monkeypatch, capsys, "check", path, "--format", "junit")
    suite = ET.fromstring(out.split("?>", 1)[1]).find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"


def test_terminal_output_neutralises_control_characters(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "evil.md", "Shop now \x1b]8;;http://evil\x07[bold]click[/bold]\u202e\n")
    _code, out, _ = run(monkeypatch, capsys, "check", path)
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "\\x1b]8;;http://evil\\x07[bold]click[/bold]\\u202e" in out


@pytest.mark.parametrize(
    ("files", "args", "expected"),
    [
        ({}, ["missing.md"], "missing.md: no such file"),
        ({"a.md": "hi"}, ["a.md", "--platform", "myspace"], "--platform takes one of x, mastodon"),
        ({"c.csv": "date,title\n2026-01-01,hi\n"}, ["c.csv"], "c.csv:1: no text column"),
        ({"c.json": '{"posts": [1,'}, ["c.json"], "c.json:1: invalid JSON"),
        ({"c.json": '{"x": 1}'}, ["c.json"], "c.json: expected a list of drafts"),
        ({"a.md": "hi"}, ["a.md", "--select", "nope"], "select: no rule 'nope'"),
        ({"a.md": "hi"}, ["a.md", "--max-warnings", "-1"], "--max-warnings takes a whole number"),
    ],
)
def test_errors_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys, files, args, expected):
    for name, text in files.items():
        write(tmp_path, name, text)
    monkeypatch.chdir(tmp_path)
    code, _out, err = run(monkeypatch, capsys, "check", *args)
    assert code == 2
    assert err.count("\n") == 1 and expected in err, err


def test_no_drafts_is_not_an_error(tmp_path, monkeypatch, capsys):
    path = write(tmp_path, "empty.md", "\n---\n\n")
    code, out, _ = run(monkeypatch, capsys, "check", path)
    assert code == 0 and "0 drafts checked" in out


def test_sarif_validates_against_the_published_schema(tmp_path, monkeypatch, capsys):
    import jsonschema

    schema = json.loads((Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cal = write(tmp_path, "cal.csv", 'platform,text\nx,"Shop now!! ""Best"" deal, we are proud to announce it"\nx,hi\n')
    _code, out, _ = run(monkeypatch, capsys, "check", cal, "--format", "sarif")
    log = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(log)
    (run_,) = log["runs"]
    rules = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    assert [r["ruleId"] for r in run_["results"]] == ["hard-sell", "bragging"]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in run_["results"])
    region = run_["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"]) == (2, 4, 12)  # "Shop now"
    notes = run_["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == []  # both drafts have a platform: nothing left unchecked


def test_hostile_calendars_are_one_line_errors_or_checked(tmp_path, monkeypatch, capsys):
    deep = write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000)
    code, _, err = run(monkeypatch, capsys, "check", deep)
    assert code == 2 and err.count("\n") == 1
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 50)
    code, out, err = run(monkeypatch, capsys, "check", str(binary), "--format", "json")
    assert code in (0, 1) and json.loads(out)["drafts"] == 1
    assert "blob.txt:1: not UTF-8; decoded as" in json.loads(out)["warnings"][0]


@pytest.mark.parametrize(
    "text",
    [
        "a,b\n1,2\n",
        'a,"b ""q"" c",d\r\n"multi\nline",,x\n',
        '"",""\n,\n"x"y,z\n',
        "only\n\n\nrow after blanks\n",
    ],
)
def test_csv_scanner_reads_what_the_csv_module_reads(text):
    import csv

    from relaudit.drafts.read import scan_csv

    expected = [row for row in csv.reader(io.StringIO(text, newline="")) if row]  # blank lines are no rows
    assert [[cell[0] for cell in cells] for _, cells in scan_csv(text)] == expected


def test_sarif_uris_are_relative_as_given_or_file_uris(tmp_path, monkeypatch, capsys):
    draft = write(tmp_path, "my draft.md", "Shop now!\n")
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(monkeypatch, capsys, "check", "my draft.md", "--format", "sarif")
    location = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "my%20draft.md"
    _, out, _ = run(monkeypatch, capsys, "check", draft, "--format", "sarif")
    location = json.loads(out)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == Path(draft).as_uri()
