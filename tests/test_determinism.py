"""The same input gives byte-identical JSON, in one process and across processes with different hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from relaudit.pipeline import AuditOptions, audit
from relaudit.render import RENDERERS

ROOT = Path(__file__).resolve().parents[1]
# Two exports merged, with skipped records and duplicate ids: warnings, findings and sets all reach the output.
INPUTS = [ROOT / "samples" / "broadcast-brand.jsonl", ROOT / "tests" / "fixtures" / "hostile" / "relaudit.jsonl"]


def _json(seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    argv = [sys.executable, "-m", "relaudit", "audit", *map(str, INPUTS), "--account", "brightbrew", "-f", "json"]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def test_same_json_twice_in_one_process() -> None:
    first = RENDERERS["json"](audit(INPUTS, AuditOptions()), 80, False)
    second = RENDERERS["json"](audit(INPUTS, AuditOptions()), 80, False)
    assert first == second


def test_same_json_across_hash_seeds() -> None:
    outputs = [_json(seed) for seed in ("0", "1", "4242")]
    assert outputs[0] == outputs[1] == outputs[2]
    assert b'"skipped": 4' in outputs[0] and b"duplicate id a1" in outputs[0]


def test_same_batch_json_for_one_and_two_workers() -> None:
    """`relaudit batch --jobs N` gives the same bytes whatever N (results are ordered, not first-come)."""
    from typer.testing import CliRunner

    from relaudit.cli import app

    feeds = [str(ROOT / "samples" / "broadcast-brand.jsonl"), str(ROOT / "samples" / "responsive-brand.jsonl")]
    outputs = []
    for jobs in ("1", "2"):
        result = CliRunner().invoke(app, ["batch", *feeds, "--format", "json", "--quiet", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1] and '"client": "responsive-brand"' in outputs[0]
