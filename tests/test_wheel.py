"""The built wheel carries the rules/ folder, and an installed relaudit finds it from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_rules_and_audits_from_elsewhere(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheel = next(dist.glob("relaudit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "relaudit/rules/default.yaml" in names
    assert "relaudit/rules/grading.yaml" in names
    assert "relaudit/rules/lexicons/complaint.yaml" in names

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True
    )
    export = tmp_path / "elsewhere" / "export.jsonl"
    export.parent.mkdir()
    export.write_text(
        json.dumps({"id": "1", "author": "shop", "text": "Buy now!", "created_at": "2026-01-01T10:00:00Z"}) + "\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import relaudit.resources as r, relaudit.cli as c; print(r.rules_dir()); c.main()",
            "audit",
            "export.jsonl",
            "--format",
            "json",
        ],
        cwd=export.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    first, _, body = result.stdout.partition("\n")
    assert Path(first) == target / "relaudit" / "rules"
    assert json.loads(body)["findings"][0]["rule"] == "hard-sell"
