"""`relaudit batch`: feeds and manifests, the league table and its formats, baselines, isolation, workers, Dask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from relaudit import batch
from relaudit.batch import table
from relaudit.batch.feeds import Feed, read_manifest
from relaudit.batch.site import write_site
from relaudit.errors import UsageError
from tests.conftest import ROOT, SHARED_DATA

BROADCAST = ROOT / "samples" / "broadcast-brand.jsonl"
RESPONSIVE = ROOT / "samples" / "responsive-brand.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "batch"
DEFAULTS = Feed(client="", paths=())


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "relaudit", *args], capture_output=True, text=True, cwd=cwd)


def fake(client: str, score: float | None, grade: str, findings: list[tuple[str, str, str | None]]) -> dict[str, Any]:
    """A worker result holding a minimal report: findings as (rule, level, message_id)."""
    report = {
        "account": client.lower(),
        "source": {"paths": [f"{client}.jsonl"], "input_format": "relaudit"},
        "counts": {"own_originals": 2, "own_replies": 3, "reposts": 1, "inbound": 4, "unanswered_complaints": 1},
        "grade": grade,
        "score": score,
        "pillars": {"responsiveness": {"score": 50.0}, "conversation": {"score": None}},
        "metrics": {"response_rate": 0.75},
        "findings": [{"rule": r, "level": lv, "message_id": m} for r, lv, m in findings],
    }
    return {"client": client, "report": report}


@pytest.fixture(scope="module")
def samples() -> list[dict[str, Any]]:
    feeds = batch.prepare([BROADCAST, RESPONSIVE], DEFAULTS, by_account=False)
    return batch.execute(feeds, jobs=1)


def test_league_over_the_samples(samples):
    rows = table.league(samples)
    # Hand-checked against `relaudit audit` of each sample (README): responsive A 96.0, broadcast F 37.1.
    assert [(r["client"], r["account"], r["grade"], r["score"]) for r in rows] == [
        ("responsive-brand", "trailmix_outdoors", "A", 96.0),
        ("broadcast-brand", "brightbrew", "F", 37.1),
    ]
    responsive, broadcast = rows
    # messages = own originals + own replies + reposts + inbound: 95 + 3 + 8 + 65 = 171 for the broadcast brand.
    assert (broadcast["messages"], responsive["messages"]) == (171, 186)
    assert broadcast["platform"] == "relaudit"
    assert broadcast["pillars"] == {
        "responsiveness": 29.6,
        "conversation": 44.6,
        "audience-value": 42.5,
        "human-touch": 32.2,
    }
    assert broadcast["unanswered_complaints"] == 32
    assert broadcast["biggest_issue"] == {"rule": "unanswered-complaint", "level": "error", "count": 32}
    assert round(responsive["response_rate"], 2) == 0.94


def test_sorting_ties_by_name_and_errors_last():
    results = [
        fake("Zeta", 80.0, "B", []),
        {"client": "Broken", "error": "broken.csv: the file is empty"},
        fake("Alpha", 80.0, "B", []),
        fake("Mid", 91.5, "A", []),
    ]
    assert [r["client"] for r in table.league(results)] == ["Mid", "Alpha", "Zeta", "Broken"]


def test_biggest_issue_is_level_times_count():
    findings = (
        [
            {"rule": "bragging", "level": "suggestion"},  # 1 × 5 = 5
        ]
        * 5
        + [{"rule": "hard-sell", "level": "warning"}] * 2
        + [  # 2 × 2 = 4
            {"rule": "unanswered-complaint", "level": "error"}  # 3 × 1 = 3
        ]
    )
    assert table.biggest_issue(findings) == {"rule": "bragging", "level": "suggestion", "count": 5}
    # A tie (warning × 3 = 6 = error × 2) goes to the worse level.
    tie = [{"rule": "a-warning", "level": "warning"}] * 3 + [{"rule": "z-error", "level": "error"}] * 2
    assert table.biggest_issue(tie)["rule"] == "z-error"
    assert table.biggest_issue([]) is None


def test_csv_columns_and_formula_injection_neutralised():
    results = [fake('=HYPERLINK("http://evil")', 50.0, "F", [("hard-sell", "warning", "1")])]
    results[0]["report"]["account"] = "@evil"
    results.append(fake("\tTab", 40.0, "F", []))
    results.append(fake("-1+2", 30.0, "F", []))
    lines = table.to_csv(table.league(results)).splitlines()
    assert lines[0] == (
        "client,account,platform,messages,grade,score,responsiveness,conversation,audience-value,human-touch,"
        "response_rate,unanswered_complaints,biggest_issue,error"
    )
    assert lines[1] == (
        '"\'=HYPERLINK(""http://evil"")",\'@evil,relaudit,10,F,50.0,50.0,,,,75%,1,hard-sell (warning ×1),'
    )
    assert lines[2].startswith("'\tTab,'\ttab,relaudit,")
    assert lines[3].startswith("'-1+2,")


def test_markdown_escapes_pipes():
    rows = table.league([fake("a|b", 70.0, "C", [])])
    assert "| a\\|b | a\\|b | relaudit | 10 | C | 70.0 |" in table.to_markdown(rows)


def test_terminal_table_shows_literal_text():
    rows = table.league([fake("[bold]x\x1b[2J", 70.0, "C", []), {"client": "gone", "error": "gone.csv: no such"}])
    text = table.to_terminal(rows, 160, color=False)
    assert "[bold]x\\x1b[2J" in text and "\x1b" not in text
    assert " 2. gone: error: gone.csv: no such" in text
    assert text.endswith("2 clients, 1 scored, 1 could not be audited\n")


def test_baseline_arrows_and_new_and_resolved_findings():
    previous = json.loads(
        table.to_json(
            table.league(
                [
                    fake("Acme", 72.0, "C", [("hard-sell", "warning", "1"), ("never-asks", "warning", None)]),
                    fake("Bolt", 90.0, "A", []),
                ]
            )
        )
    )
    current = [
        fake("Acme", 81.5, "B", [("never-asks", "warning", None), ("shouting", "suggestion", "3")]),
        fake("Bolt", 85.0, "B", []),
        fake("Cora", 60.0, "D", []),
    ]
    rows = {r["client"]: r for r in table.league(current, previous)}
    acme = rows["Acme"]["change"]
    assert (acme["previous_grade"], acme["grade_direction"], acme["score_change"]) == ("C", "up", 9.5)
    assert acme["new_findings"] == [{"rule": "shouting", "level": "suggestion", "message_id": "3"}]
    assert acme["resolved_findings"] == [{"rule": "hard-sell", "level": "warning", "message_id": "1"}]
    assert rows["Cora"]["change"] == {"status": "new client"}
    cells = {r["client"]: table.flat(r, True) for r in rows.values()}
    assert (cells["Acme"]["grade_change"], cells["Acme"]["score_change"]) == ("C→B ▲", "+9.5 ▲")
    assert (cells["Acme"]["new_findings"], cells["Acme"]["resolved_findings"]) == ("1", "1")
    assert (cells["Bolt"]["grade_change"], cells["Bolt"]["score_change"]) == ("A→B ▼", "-5.0 ▼")
    assert cells["Cora"]["grade_change"] == "new client"


def test_gate_over_rows():
    rows = table.league([fake("Acme", 81.5, "B", [("hard-sell", "warning", "1")])])
    assert table.failed_gate(rows[0], "warning", None) and not table.failed_gate(rows[0], "error", None)
    assert table.failed_gate(rows[0], None, "A") and not table.failed_gate(rows[0], None, "B")


def test_manifest_clients_and_overrides():
    feeds = read_manifest(FIXTURES / "clients.yaml", DEFAULTS)
    assert [(f.client, f.account, f.ignore) for f in feeds] == [
        ("Bright Brew", ("brightbrew",), ("bragging",)),
        ("Trailmix", (), ()),
    ]
    assert Path(feeds[1].paths[0]).resolve() == RESPONSIVE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("clients: []\n", ":1: a manifest is a mapping with a non-empty 'clients' list"),
        ("clients:\n  - name: A\n", ":2: client 'A': paths: missing"),
        ("clients:\n  - name: A\n    paths: [a.jsonl]\n    colour: red\n", ":4: client 'A': colour: unknown key"),
        (
            "clients:\n  - name: A\n    paths: [a.jsonl]\n    select: 3\n",
            ":4: client 'A': select: expected list or str",
        ),
        ("clients:\n  - name: A\n    paths: a\n  - name: A\n    paths: b\n", ":4: client 'A': name: duplicate of"),
        ("clients:\n  - name: A\n    paths: []\n", ":3: client 'A': paths: empty"),
        ("clients:\n  - [a]\n", ":2: each client is a mapping"),
        ("clients:\n  - name: A\n    paths: a\n    pending_window: soon\n", ":4: client 'A': pending_window: 'soon'"),
        ("clients:\n  - name: A\n    paths: a\n    input_format: fax\n", ":4: client 'A': input_format: unknown"),
        ("clients:\n  - name: A\n    paths: a\n    options: {x: 1}\n", ":4: client 'A': options: x: expected a"),
        ("clients: [\n", "invalid YAML"),
        ("client: []\n", ":1: a manifest is a mapping"),
        ("clients: [{name: A, paths: a}]\n1: x\nzz: y\n", ":2: unknown key '1' (a manifest has 'clients')"),
        ("clients:\n  - name: !!python/object:os.system x\n    paths: a\n", "invalid YAML"),
    ],
)
def test_manifest_errors_name_file_and_line(tmp_path, text, expected):
    path = tmp_path / "clients.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_manifest(path, DEFAULTS)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_by_account_splits_a_shared_file():
    feeds = batch.prepare([FIXTURES / "care.csv"], DEFAULTS, by_account=True, min_replies=2)
    # BikeShopHelp answered 3 times, CoffeeCares twice; customer 400001 answered twice but is an anonymised id.
    assert [(f.client, f.account) for f in feeds] == [
        ("bikeshophelp", ("bikeshophelp",)),
        ("coffeecares", ("coffeecares",)),
    ]
    rows = table.league(batch.execute(feeds, jobs=1))
    coffee = next(r for r in rows if r["client"] == "coffeecares")
    # Own replies 8 and 10; inbound 7, 9, 11, 12 (12 is pending: posted at the export's end).
    assert (coffee["messages"], coffee["unanswered_complaints"], coffee["platform"]) == (6, 1, "customer-care")
    # A file with fewer than two brands stays one client: in the broadcast sample customers answer each other
    # twice or more (ada_q, rachel.d, ...), but only brightbrew answers conversations opened by addressing it.
    assert [f.client for f in batch.prepare([BROADCAST], DEFAULTS, by_account=True, min_replies=2)] == [
        "broadcast-brand"
    ]


def test_by_account_with_named_brands():
    named = Feed(client="", paths=(), account=("CoffeeCares", "@nobody"))
    feeds = batch.prepare([FIXTURES / "care.csv"], named, by_account=True)
    assert [(f.client, f.account, f.error) for f in feeds] == [("coffeecares", ("coffeecares",), None)]
    missing = batch.prepare([FIXTURES / "care.csv"], Feed(client="", paths=(), account=("nobody",)), True)
    assert missing[0].error == f"{FIXTURES / 'care.csv'}: no message in the file is by @nobody"


def test_jobs_one_and_two_give_identical_json(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    feeds = batch.prepare([FIXTURES / "care.csv", empty], DEFAULTS, by_account=True, min_replies=2)
    one = table.to_json(table.league(batch.execute(feeds, jobs=1)))
    two = table.to_json(table.league(batch.execute(feeds, jobs=2)))
    assert one == two
    assert json.loads(one)["clients"][-1]["error"] == f"{empty}: the file is empty"


def test_cli_broken_feed_gets_an_error_row_and_exit_2(tmp_path):
    result = run("batch", str(BROADCAST), str(tmp_path / "missing.jsonl"), "-f", "json", "--jobs", "1")
    assert result.returncode == 2
    clients = json.loads(result.stdout)["clients"]
    assert [(c["client"], c["grade"], c["error"]) for c in clients] == [
        ("broadcast-brand", "F", None),
        ("missing", None, f"{tmp_path / 'missing.jsonl'}: no such file or folder"),
    ]
    assert result.stderr == f"relaudit: error: client 'missing': {tmp_path / 'missing.jsonl'}: no such file or folder\n"


def test_cli_gate_baseline_and_output_dir(tmp_path):
    first = run("batch", str(BROADCAST), str(RESPONSIVE), "-f", "json", "-o", str(tmp_path / "oct.json"), "-j", "1")
    assert first.returncode == 0, first.stderr
    out = tmp_path / "site"
    second = run(
        "batch", str(BROADCAST), str(RESPONSIVE), "--baseline", str(tmp_path / "oct.json"), "--fail-under", "C",
        "--output-dir", str(out), "-f", "markdown", "-j", "1", "--width", "200",
    )  # fmt: skip
    assert second.returncode == 1, second.stderr  # the broadcast brand's F is below C
    assert "| broadcast-brand | brightbrew | relaudit | 171 | F | 37.1 |" in second.stdout
    assert "| F = | ±0.0 = | 0 | 0 |" in second.stdout
    assert json.loads((out / "broadcast-brand.json").read_text(encoding="utf-8"))["grade"] == "F"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="broadcast-brand.json"' in index and "responsive-brand" in index
    assert json.loads((out / "league.json").read_text(encoding="utf-8"))["kind"] == "relaudit-batch"


def test_site_escapes_everything_and_writes_html_when_available(tmp_path):
    rows = table.league([fake("<script>alert(1)</script>", 70.0, "C", [])])
    reports = {rows[0]["client"]: {"account": "x", "findings": []}}
    write_site(tmp_path, rows, reports)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in index and "&lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert (tmp_path / "script-alert-1-script.json").is_file()


def test_site_html_report_per_client(tmp_path, samples):
    pytest.importorskip("relaudit.render.html", reason="the HTML renderer (render/html.py) is not there yet")
    rows = table.league(samples)
    write_site(tmp_path, rows, {r["client"]: r["report"] for r in samples})
    page = (tmp_path / "broadcast-brand.html").read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html")
    assert 'href="broadcast-brand.html"' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_cli_usage_errors_are_one_line(tmp_path):
    result = run("batch", str(BROADCAST), "--account", "brightbrew")
    assert result.returncode == 2
    assert result.stderr.startswith("relaudit: error: --account in a batch picks brands with --by-account")
    assert result.stderr.count("\n") == 1


def test_dask_missing_is_one_clear_line(monkeypatch):
    from relaudit.batch.run import DASK_MISSING, run_dask

    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails as if not installed
    with pytest.raises(UsageError, match="needs the optional extra"):
        run_dask([], "tcp://127.0.0.1:1")
    assert DASK_MISSING.endswith("pip install 'relaudit[dask]'")


def test_dask_cluster_gives_the_local_results():
    distributed = pytest.importorskip("distributed")
    feeds = batch.prepare([FIXTURES / "care.csv", BROADCAST], DEFAULTS, by_account=True, min_replies=2)
    local = table.to_json(table.league(batch.execute(feeds, jobs=1)))
    with distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        remote = table.to_json(table.league(batch.execute(feeds, jobs=1, dask_scheduler=cluster.scheduler_address)))
    assert remote == local


@pytest.mark.skipif(not (SHARED_DATA / "twcs").is_dir(), reason="../shared/data is not here")
def test_real_customer_care_file_splits_into_brands():
    feeds = batch.prepare([SHARED_DATA / "twcs" / "twcs_head5000_normalized.csv"], DEFAULTS, True)
    names = [f.client for f in feeds]
    assert {"applesupport", "amazonhelp", "sprintcare", "delta"} <= set(names)
    assert not any(name.isdigit() for name in names)


def test_site_survives_an_html_renderer_failure(tmp_path, monkeypatch):
    from relaudit.batch import site

    def render(report: dict[str, Any]) -> str:
        if report["account"] == "bad":
            raise ValueError("boom\nsecond line")
        return "<!DOCTYPE html><p>ok</p>"

    monkeypatch.setattr(site, "html_renderer", lambda: render)
    rows = table.league([fake("Good", 90.0, "A", []), fake("Bad", 50.0, "F", [])])
    notes = write_site(tmp_path, rows, {"Good": {"account": "good"}, "Bad": {"account": "bad"}})
    assert notes == ["Bad: HTML report failed: ValueError: boom second line"]
    assert (tmp_path / "good.html").is_file() and not (tmp_path / "bad.html").exists()
    assert (tmp_path / "bad.json").is_file()


def test_readme_league_table_is_real(samples):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert table.to_terminal(table.league(samples), 160, color=False) in readme
