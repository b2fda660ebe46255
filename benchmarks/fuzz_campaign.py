"""A long fuzzing campaign by hand: the properties of tests/test_fuzz.py with many random examples each.

    python benchmarks/fuzz_campaign.py --examples 1000     # about 20-30 minutes on a laptop

Memory is capped (a crash we look for may be a memory explosion, and it must not take the machine down).
The last lines say how many examples ran, for how long, and whether anything crashed.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=1000, help="examples per property (default 1000)")
    parser.add_argument("--memory-gb", type=float, default=4.0, help="address-space cap for the run (default 4)")
    args = parser.parse_args()
    limit = int(args.memory_gb * 1024**3)
    env = {**os.environ, "RELAUDIT_FUZZ_EXAMPLES": str(args.examples)}
    command = [
        sys.executable,
        "-m",
        "pytest",  # the project's addopts already make it quiet; the final "N passed, ..." line is parsed below
        "-rfExX",
        "-p",
        "no:cacheprovider",
        "tests/test_fuzz.py",
        "-k",
        "mutated",
    ]
    started = time.monotonic()
    done = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
        check=False,
    )
    minutes = (time.monotonic() - started) / 60
    print(done.stdout[-20000:])
    log = Path(tempfile.gettempdir()) / "relaudit-fuzz-campaign.log"
    log.write_text(done.stdout + done.stderr, encoding="utf-8")
    print(f"campaign: full pytest output in {log}")
    totals = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed|xfailed)", line)]
    summary = totals[-1].strip("= ") if totals else done.stderr[-2000:]
    outcomes = {word: int(count) for count, word in re.findall(r"(\d+) (passed|failed|xfailed|xpassed)", summary)}
    properties, failed = sum(outcomes.values()), outcomes.get("failed", 0)
    print(
        f"campaign: {properties} properties x up to {args.examples} examples = {properties * args.examples:,} at most"
    )
    print(f"campaign: {minutes:.1f} minutes; pytest: {summary}; crashes: {failed}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
