"""Fast checks of the benchmark tools: run with `python -m pytest benchmarks/test_benchmarks.py`."""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

import baseline  # noqa: E402
import generate  # noqa: E402
import harness  # noqa: E402
import svgplot  # noqa: E402

from relaudit import loaders  # noqa: E402
from relaudit.model import RawRecord  # noqa: E402


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    paths = [tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"]
    for path, seed in zip(paths, (3, 3, 4)):
        assert generate.generate(500, seed, "relaudit", path) == 500
    assert paths[0].read_bytes() == paths[1].read_bytes()
    assert paths[0].read_bytes() != paths[2].read_bytes()


def test_relaudit_feed_is_time_ordered_threaded_and_mixed(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    generate.generate(3000, 1, "relaudit", path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3000
    assert len({r["id"] for r in rows}) == 3000
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    brand = generate.W.BRANDS[1]
    ids = {r["id"] for r in rows}
    own = [r for r in rows if r["author"] == brand]
    replies = [r for r in rows if r["in_reply_to"]]
    # Every reply's parent precedes it in the file (threads are whole, apart from the last few cut at the end).
    assert sum(r["in_reply_to"] in ids for r in replies) / len(replies) > 0.99
    assert 0.3 < len(own) / len(rows) < 0.6  # twcs: about half the messages are the brand's
    assert any(r["is_repost"] for r in own)
    assert sum("http" in r["text"] for r in rows) / len(rows) > 0.1
    customers = {r["author"] for r in rows} - {brand}
    assert len(customers) > 500


def test_feed_is_read_by_the_relaudit_loader(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    generate.generate(200, 2, "relaudit", path)
    items = list(loaders.LOADERS["relaudit"].load(path))
    assert sum(isinstance(item, RawRecord) for item in items) == 200


def test_x_archive_zip_and_folder_hold_only_own_posts(tmp_path: Path) -> None:
    assert generate.generate(150, 5, "x-archive", tmp_path / "archive.zip") == 150
    assert generate.generate(150, 5, "x-archive", tmp_path / "folder") == 150
    with zipfile.ZipFile(tmp_path / "archive.zip") as archive:
        zipped = archive.read("data/tweets.js").decode("utf-8")
        assert b'"username" : "' + generate.W.BRANDS[5].encode() in archive.read("data/account.js")
    text = (tmp_path / "folder" / "data" / "tweets.js").read_text(encoding="utf-8")
    assert text == zipped
    prefix = "window.YTD.tweets.part0 = "
    assert text.startswith(prefix)
    entries = json.loads(text[len(prefix) :])
    assert len(entries) == 150
    loader = loaders.LOADERS["twitter-archive"]
    records = [item for item in loader.load(tmp_path / "archive.zip") if isinstance(item, RawRecord)]
    assert len(records) == 150
    assert {r.fields["author"] for r in records} == {generate.W.BRANDS[5]}


def test_baseline_counts_a_hand_made_feed(tmp_path: Path, capsys) -> None:
    rows = [
        {"id": "1", "author": "brand", "text": "New menu today", "in_reply_to": None},
        {"id": "2", "author": "ann", "text": "@brand I love it", "in_reply_to": "1", "in_reply_to_author": "brand"},
        {"id": "3", "author": "brand", "text": "@ann thanks!", "in_reply_to": "2", "in_reply_to_author": "ann"},
        {"id": "4", "author": "bob", "text": "@brand my order is late", "in_reply_to": None},
        {"id": "5", "author": "brand", "text": "RT @x: hi", "in_reply_to": None, "is_repost": True},
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert baseline.main([str(path), "--account", "@Brand"]) == 0
    result = json.loads(capsys.readouterr().out)
    # One own original (the repost is left out), one own reply; two inbound, one of them answered.
    assert result["reply_share"] == 0.5
    assert result["inbound"] == 2
    assert result["response_rate"] == 0.5


def test_measure_reports_exit_code_and_memory_of_its_own_child() -> None:
    run = harness.measure([sys.executable, "-c", "b = bytearray(80_000_000); b[::4096] = b'x' * len(b[::4096])"], 60)
    assert run.code == 0
    assert 80 < run.peak_mb < 300
    assert harness.measure([sys.executable, "-c", "raise SystemExit(3)"], 60).code == 3
    stopped = harness.measure([sys.executable, "-c", "import time; time.sleep(30)"], 0.3)
    assert stopped.code is None and stopped.wall < 5


def test_loglog_places_decades_and_points() -> None:
    svg = svgplot.loglog({"tool": [(10.0, 1.0), (1000.0, 100.0)]}, "messages", "s", "t")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    # x spans 10..1000 over the plot's width (70..510): the points sit at both ends, and 1000 s at the top.
    assert '<circle cx="70.0" cy="370.0"' in svg
    assert '<circle cx="510.0" cy="40.0"' in svg
    assert ">1k<" in svg and ">100<" in svg


def test_render_computes_ratios_and_targets_from_raw_runs(tmp_path: Path) -> None:
    def run(wall: float, cpu: float, peak: float) -> dict:
        return {"wall": wall, "cpu": cpu, "peak_mb": peak, "code": 0}

    raw = {
        "when": "2026-11-25 21:00 UTC",
        "machine": "test",
        "seed": 1,
        "load": [0.5, 0.5],
        "command": "python benchmarks/harness.py",
        "sizes": [100_000, 1_000_000],
        "runs": {
            "100000:floor": run(1.0, 1.0, 20),
            "100000:baseline": run(20.0, 20.0, 200),
            "100000:relaudit": run(4.0, 2.0, 100),
            "1000000:floor": run(10.0, 10.0, 20),
            "1000000:baseline": run(200.0, 200.0, 2000),
            "1000000:relaudit": {**run(50.0, 25.0, 700), "walls": [55.0, 50.0, 61.25]},
        },
        "check": {"wall": (0.6, 0.5), "cpu": (0.5, 0.5)},
        "batch": (10.0, 5.0),
        "batch_label": "200 feeds × 1,000",
    }
    text = harness.render(raw, "wall", tmp_path / "r.md", tmp_path / "s.svg")
    # 1M: baseline 200 s / relaudit 50 s = 4×; 50 s / floor 10 s = 5×; (50/1M) / (4/100k) = 1.25; 700 MB > 600.
    assert "| 1,000,000 | relaudit | 50.00 | 25.00 | 20,000 | 700 | 4.00× | 5.0× | 55.00, 50.00, 61.25 |" in text
    assert "| 1,000,000 | floor | 10.00 | 10.00 | 100,000 | 20 | 20.00× | n/a |  |" in text  # (a raw run of before)
    assert "| relaudit throughput vs baseline | 1,000,000 | ≥ 8× | 4.00× | **not met** |" in text
    assert "| relaudit time vs parse-only floor | 1,000,000 | ≤ 10× | 5.0× | met |" in text
    assert "| per-message time vs 100k | 1,000,000 | ≤ 1.2× | 1.25× | **not met** |" in text
    assert "≤ 600 MB | 700 MB | **not met** |" in text
    assert "≤ 1.3× | 1.20× (0.60 s vs 0.50 s) | met |" in text
    assert "≥ 1.7× | 2.00× (10.0 s vs 5.0 s) | met |" in text
    cpu = harness.render(raw, "cpu", tmp_path / "r.md", tmp_path / "s.svg")
    assert "| 1,000,000 | relaudit | 50.00 | 25.00 | 40,000 | 700 | 8.00× | 2.5× | 55.00, 50.00, 61.25 |" in cpu
    assert (tmp_path / "s.svg").read_text(encoding="utf-8").count("<polyline") == 3


def test_rounds_interleave_keep_the_fastest_and_run_the_baseline_once_above_100k(tmp_path: Path, monkeypatch) -> None:
    order: list[tuple[int, str]] = []
    walls = iter([3.0, 40.0, 5.0, 2.0, 41.0, 2.5, 2.2, 39.0, 6.0, 6.0, 30.0, 9.0, 1.0, 8.0, 8.5])
    codes = iter([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0])

    def fake_measure(command: list[str], timeout: float, stdout: Path | None = None) -> harness.Run:
        order.append((size_of(command), tool_of(command)))
        return harness.Run(next(walls), 1.0, float(len(order)), next(codes))

    def tool_of(command: list[str]) -> str:
        return command[0]

    def size_of(command: list[str]) -> int:
        return int(Path(command[-1]).stem.split("-")[-1])

    monkeypatch.setattr(harness, "measure", fake_measure)
    monkeypatch.setattr(harness, "feed_path", lambda workdir, size, seed: tmp_path / f"feed-{size}.jsonl")
    monkeypatch.setattr(harness, "warm", lambda path: None)
    monkeypatch.setattr(harness, "tool_command", lambda tool, path: [tool, str(path)])
    args = argparse.Namespace(workdir=tmp_path, seed=1, repeat=3, skip=set(), timeout=60)
    recorded: list[tuple[int, str]] = []
    results = harness.run_sizes([100_000, 1_000_000], args, lambda size, tool, run: recorded.append((size, tool)))
    # 100k: three rounds of all three; 1M: the baseline in the first round only, the floor none after its exit 2
    # (relaudit's exit 1 is a failed gate, still a run)
    assert order == [
        (100_000, "floor"), (100_000, "baseline"), (100_000, "relaudit"),
        (100_000, "floor"), (100_000, "baseline"), (100_000, "relaudit"),
        (100_000, "floor"), (100_000, "baseline"), (100_000, "relaudit"),
        (1_000_000, "floor"), (1_000_000, "baseline"), (1_000_000, "relaudit"),
        (1_000_000, "floor"), (1_000_000, "relaudit"),
        (1_000_000, "relaudit"),
    ]  # fmt: skip
    assert recorded == [(s, t) for s in (100_000, 1_000_000) for t in harness.TOOLS]
    assert results[100_000, "floor"].wall == 2.0 and results[100_000, "floor"].walls == [3.0, 2.0, 2.2]
    assert results[100_000, "baseline"].wall == 39.0
    # the fastest run's times and code, the highest peak of all three (the fake's peak is the run's number: 3, 6, 9)
    assert results[100_000, "relaudit"].wall == 2.5 and results[100_000, "relaudit"].peak_mb == 9.0
    assert results[1_000_000, "baseline"].walls == [30.0]
    assert results[1_000_000, "floor"].walls == [6.0, 1.0] and results[1_000_000, "floor"].code == 2
    assert results[1_000_000, "relaudit"].walls == [9.0, 8.0, 8.5] and results[1_000_000, "relaudit"].wall == 8.0
