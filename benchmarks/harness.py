"""Run relaudit, the baseline and the parse-only floor side by side on the same generated exports.

    python benchmarks/harness.py --sizes 10000,100000,1000000

Every tool runs as its own process (imports count) and its peak memory is that process's maximum resident set size,
read with os.wait4 for that one child. Prints a Markdown table, checks the targets of issue 8, writes the table to
benchmarks/results.md and the scaling plot (messages vs wall time, log-log) to benchmarks/scaling.svg.
Generated exports are kept under --workdir (default /tmp/relaudit-bench) and reused on the next run.
Each tool runs --repeat times on each feed (the baseline once above 100k), in interleaved rounds; the fastest run
is kept. Also times `relaudit check` of one draft against importing relaudit's dependencies, and `relaudit batch`
with --jobs 1 and 2 (best of --repeat interleaved rounds); a command that does not exist yet is reported as n/a.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (run as a script, next to the generator)
import svgplot  # noqa: E402

PYTHON = sys.executable
TOOLS = ("floor", "baseline", "relaudit")
DRAFT = "We are proud to announce our award-winning new range. Shop now, limited time only! https://shop.example/new\n"


@dataclass
class Run:
    """One timed process: wall and CPU seconds, peak resident memory in MB, exit code (None: stopped at the timeout)."""

    wall: float
    cpu: float
    peak_mb: float
    code: int | None
    walls: list[float] = field(default_factory=list)  # every run's wall time, when this is the best of several


def measure(command: list[str], timeout: float, stdout: Path | None = None) -> Run:
    """Run one command in a fresh process; os.wait4 gives that child's own rusage, so runs do not mix."""
    errors = stdout.with_name(stdout.name + ".err") if stdout else None
    with open(stdout or os.devnull, "wb") as out, open(errors or os.devnull, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                return Run(time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, None)
            time.sleep(0.005)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def relaudit_command(*args: str) -> list[str]:
    return [PYTHON, "-m", "relaudit", *args]


def command_exists(name: str) -> bool:
    """Whether `relaudit NAME --help` runs: `check` and `batch` are being written while this harness is."""
    result = subprocess.run(relaudit_command(name, "--help"), capture_output=True)
    return result.returncode == 0


def feed_path(workdir: Path, size: int, seed: int) -> Path:
    path = workdir / f"feed-{size}-s{seed}.jsonl"
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_suffix(".part")
        generate.generate(size, seed, "relaudit", partial)
        partial.rename(path)
    return path


def tool_command(tool: str, path: Path) -> list[str]:
    if tool == "floor":
        return [PYTHON, str(HERE / "floor.py"), str(path)]
    if tool == "baseline":
        return [PYTHON, str(HERE / "baseline.py"), str(path)]
    return relaudit_command("audit", str(path), "--format", "json")


def warm(path: Path) -> None:
    """Read the feed untimed before each run, so every run finds it in the page cache.

    This VM keeps little in its page cache: a 1M feed read by the floor was partly gone again by the time relaudit
    ran three minutes later, and the first or a later tool would pay for the disk.
    """
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def rounds(tool: str, size: int, repeat: int) -> int:
    """How many times a tool runs on a feed: --repeat times, but the baseline once above 100k (~90 s a run at 1M)."""
    return 1 if tool == "baseline" and size > 100_000 else max(1, repeat)


def run_sizes(
    sizes: list[int], args: argparse.Namespace, record: Callable[[int, str, Run], None]
) -> dict[tuple[int, str], Run]:
    """Each tool on each size's feed, best of its rounds; `record` gets every result as soon as it is measured.

    The rounds are interleaved (floor, baseline, relaudit, then again), so that a slow moment of a shared machine
    falls on one run of each tool rather than on every run of one; the fastest of each tool's runs is kept, and
    the others' wall times are kept beside it.
    """
    results: dict[tuple[int, str], Run] = {}
    for size in sizes:
        path = feed_path(args.workdir, size, args.seed)
        tools = [tool for tool in TOOLS if tool not in args.skip]
        runs: dict[str, list[Run]] = {tool: [] for tool in tools}
        for round_number in range(max(rounds(tool, size, args.repeat) for tool in tools) if tools else 0):
            for tool in tools:
                done = runs[tool]
                failed = bool(done) and (done[-1].code is None or done[-1].code not in (0, 1))
                if round_number >= rounds(tool, size, args.repeat) or failed:
                    continue
                warm(path)
                out = args.workdir / f"out-{tool}-{size}.txt"
                done.append(measure(tool_command(tool, path), args.timeout, out))
        for tool in tools:
            best = min(runs[tool], key=lambda r: r.wall)  # (audit exits 1 when its gate fails: still a run)
            best.peak_mb = max(r.peak_mb for r in runs[tool])
            best.walls = [r.wall for r in runs[tool]]
            results[size, tool] = best
            record(size, tool, best)
            status = "timeout" if best.code is None else f"exit {best.code}"
            spread = " / ".join(f"{wall:.2f}" for wall in best.walls)
            print(
                f"{size:>9} {tool:<9} {best.wall:8.2f} s {best.cpu:8.2f} cpu s {best.peak_mb:7.0f} MB  {status}"
                f"  (wall s of each run: {spread})",
                file=sys.stderr,
            )
    return results


def byte_compile_relaudit() -> None:
    """Write relaudit's bytecode, as `pip install` does for an installed package.

    Its dependencies were installed with theirs; a checkout (an editable install) has none until a run writes it,
    and with PYTHONDONTWRITEBYTECODE set (as on the development machine) no run ever does: every `check` would
    compile ~40 of relaudit's modules (~45 ms) that `import textblob, typer, rich, yaml` never compiles.
    """
    where = subprocess.run(
        [PYTHON, "-c", "import os, relaudit; print(os.path.dirname(relaudit.__file__))"], capture_output=True, text=True
    )
    if where.returncode == 0:
        subprocess.run([PYTHON, "-m", "compileall", "-q", where.stdout.strip()], capture_output=True)


def run_check(args: argparse.Namespace) -> dict[str, tuple[float, float]] | None:
    """Median wall and CPU times of `relaudit check DRAFT` and of importing textblob, typer, rich and yaml."""
    if not command_exists("check"):
        return None
    byte_compile_relaudit()
    draft = args.workdir / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    imports = [PYTHON, "-c", "import textblob, typer, rich, yaml"]
    check = relaudit_command("check", str(draft))
    runs: dict[str, list[Run]] = {"check": [], "imports": []}
    for _ in range(args.check_repeat):  # interleaved, so a noisy moment hurts both sides alike
        runs["imports"].append(measure(imports, 60))
        runs["check"].append(measure(check, 60))
    return {
        clock: (
            statistics.median(seconds(r, clock) for r in runs["check"]),
            statistics.median(seconds(r, clock) for r in runs["imports"]),
        )
        for clock in ("wall", "cpu")
    }


def run_batch(args: argparse.Namespace) -> tuple[float, float] | None:
    """Wall time of `relaudit batch` over --batch-feeds generated feeds with --jobs 1 and --jobs 2."""
    if not command_exists("batch"):
        return None
    folder = args.workdir / f"batch-{args.batch_feeds}x{args.batch_size}"
    folder.mkdir(parents=True, exist_ok=True)
    feeds = []
    for seed in range(1, args.batch_feeds + 1):
        path = folder / f"feed-{seed:03d}.jsonl"
        if not path.exists():
            generate.generate(args.batch_size, seed, "relaudit", path)
        feeds.append(str(path))
    best: dict[int, float] = {}
    # --repeat rounds of --jobs 1 then 2, the best of each kept: a single run of each is at the mercy of the machine
    # (on the development VM one pair measured 1.69x and the next 1.94x)
    for _ in range(max(1, args.repeat)):
        for jobs in (1, 2):
            run = measure(
                relaudit_command("batch", *feeds, "--jobs", str(jobs), "--format", "json"),
                args.timeout,
                folder / f"out-{jobs}.txt",
            )
            if run.code not in (0, 1):
                print(f"relaudit batch --jobs {jobs} exited {run.code}; see {folder}/out-{jobs}.txt", file=sys.stderr)
                return None
            best[jobs] = min(best.get(jobs, run.wall), run.wall)
    return best[1], best[2]


def fmt(value: float | None, digits: int = 2, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{suffix}"


def seconds(run: Run, clock: str) -> float:
    """The run's time on the chosen clock: wall (what a user waits) or CPU (steadier on a busy machine)."""
    return run.cpu if clock == "cpu" else run.wall


def table(sizes: list[int], results: dict[tuple[int, str], Run], clock: str) -> list[str]:
    lines = [
        f"| messages | tool | wall s | CPU s | msgs/s ({clock}) | peak MB | throughput vs baseline | time vs floor "
        "| wall s of each run |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sizes:
        floor, base = results.get((size, "floor")), results.get((size, "baseline"))
        for tool in TOOLS:
            run = results.get((size, tool))
            if run is None:
                continue
            if run.code is None:
                stopped = f"> {run.wall:.0f} (stopped)"
                lines.append(f"| {size:,} | {tool} | {stopped} | n/a | n/a | {run.peak_mb:.0f} | n/a | n/a | |")
                continue
            own = seconds(run, clock)
            vs_base = seconds(base, clock) / own if base and base.code is not None and tool != "baseline" else None
            vs_floor = own / seconds(floor, clock) if floor and floor.code is not None and tool != "floor" else None
            lines.append(
                f"| {size:,} | {tool} | {run.wall:.2f} | {run.cpu:.2f} | {size / own:,.0f} | {run.peak_mb:.0f} "
                f"| {fmt(vs_base, 2, '×')} | {fmt(vs_floor, 1, '×')} | {', '.join(f'{w:.2f}' for w in run.walls)} |"
            )
    return lines


def targets(
    sizes: list[int],
    results: dict[tuple[int, str], Run],
    check: tuple[float, float] | None,
    batch: tuple[float, float] | None,
    batch_label: str,
    clock: str,
) -> list[str]:
    """The targets of issue 8, each with the measured value and whether it is met."""

    def ok(met: bool | None) -> str:
        return "n/a" if met is None else ("met" if met else "**not met**")

    def good(size: int, tool: str) -> Run | None:
        run = results.get((size, tool))
        return run if run is not None and run.code is not None else None

    top = max(sizes)
    rel, base, floor = good(top, "relaudit"), good(top, "baseline"), good(top, "floor")
    speedup = seconds(base, clock) / seconds(rel, clock) if rel and base else None
    vs_floor = seconds(rel, clock) / seconds(floor, clock) if rel and floor else None
    linear = None
    small = good(100_000, "relaudit")
    if top > 100_000 and rel and small:
        linear = (seconds(rel, clock) / top) / (seconds(small, clock) / 100_000)
    check_ratio = check[0] / check[1] if check else None
    batch_ratio = batch[0] / batch[1] if batch else None
    rows = [
        ("relaudit throughput vs baseline", f"{top:,}", "≥ 8×", fmt(speedup, 2, "×"), speedup and speedup >= 8),
        ("relaudit time vs parse-only floor", f"{top:,}", "≤ 10×", fmt(vs_floor, 1, "×"), vs_floor and vs_floor <= 10),
        ("per-message time vs 100k", f"{top:,}", "≤ 1.2×", fmt(linear, 2, "×"), linear and linear <= 1.2),
        (
            "relaudit peak memory",
            f"{top:,}",
            "≤ 600 MB",
            fmt(rel.peak_mb if rel else None, 0, " MB"),
            rel and rel.peak_mb <= 600,
        ),
        (
            "`check` of one draft vs importing deps (median)",
            "1 draft",
            "≤ 1.3×",
            fmt(check_ratio, 2, "×") + (f" ({check[0]:.2f} s vs {check[1]:.2f} s)" if check else ""),
            check_ratio and check_ratio <= 1.3,
        ),
        (
            "`batch --jobs 2` speed-up over `--jobs 1` (wall)",
            batch_label,
            "≥ 1.7×",
            fmt(batch_ratio, 2, "×") + (f" ({batch[0]:.1f} s vs {batch[1]:.1f} s)" if batch else ""),
            batch_ratio and batch_ratio >= 1.7,
        ),
    ]
    lines = [f"| target ({clock} time unless named) | at | goal | measured | |", "|---|---|---|---|---|"]
    for name, at, goal, value, met in rows:
        lines.append(f"| {name} | {at} | {goal} | {value} | {ok(None if met is None else bool(met))} |")
    return lines


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} × {cpu}, Python {platform.python_version()}, {platform.system()}"


def render(raw: dict[str, Any], clock: str, results_path: Path, plot_path: Path) -> str:
    """Write results.md and scaling.svg from the raw measurements; returns the Markdown."""
    sizes = raw["sizes"]
    results = {(int(key.split(":")[0]), key.split(":")[1]): Run(**run) for key, run in raw["runs"].items()}
    check = tuple(raw["check"][clock]) if raw["check"] else None
    batch = tuple(raw["batch"]) if raw["batch"] else None
    lines = [
        "# Benchmark results",
        "",
        f"Measured {raw['when']} on {raw['machine']}, generated feeds (seed {raw['seed']}); 1-minute load average "
        f"{raw['load'][0]:.1f} before and {raw['load'][1]:.1f} after. Ratios use {clock} time: on a machine busy "
        "with other work wall time includes waiting for a core, CPU time does not. Command:",
        "",
        f"    {raw['command']}",
        "",
        *table(sizes, results, clock),
        "",
        "Throughput vs baseline: messages/s over the baseline's. Time vs floor: time over the parse-only floor's. "
        "Each row is the fastest of the runs listed in its last column.",
        "",
        *targets(sizes, results, check, batch, raw["batch_label"], clock),
        "",
        "![scaling](scaling.svg)",
        "",
    ]
    text = "\n".join(lines)
    results_path.write_text(text, encoding="utf-8")
    series = {
        tool: [
            (float(size), seconds(results[size, tool], clock))
            for size in sizes
            if (size, tool) in results and results[size, tool].code is not None
        ]
        for tool in TOOLS
    }
    title = f"relaudit audit vs baseline vs parse-only floor ({raw['when']})"
    plot_path.write_text(svgplot.loglog(series, "messages", f"{clock} time (s)", title), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated message counts")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/relaudit-bench"))
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs of each tool on each feed (of the baseline once above 100k) and of each batch; the best is kept",
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a run is stopped")
    parser.add_argument("--skip", default="", help="parts to leave out, e.g. baseline,check,batch")
    parser.add_argument("--check-repeat", type=int, default=7)
    parser.add_argument("--batch-feeds", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=1000, help="messages per batch feed")
    parser.add_argument("--clock", choices=("wall", "cpu"), default="wall", help="time used for ratios and the plot")
    parser.add_argument("--results", type=Path, default=HERE / "results.md")
    parser.add_argument("--plot", type=Path, default=HERE / "scaling.svg")
    parser.add_argument("--render", type=Path, help="only re-render results.md and the plot from a raw JSON file")
    args = parser.parse_args(argv)
    if args.render:
        print(render(json.loads(args.render.read_text(encoding="utf-8")), args.clock, args.results, args.plot))
        return 0
    args.skip = {part.strip() for part in args.skip.split(",") if part.strip()}
    sizes = sorted(int(size.replace("_", "")) for size in args.sizes.split(","))
    args.workdir.mkdir(parents=True, exist_ok=True)

    raw: dict[str, Any] = {
        "machine": machine(),
        "seed": args.seed,
        "load": [os.getloadavg()[0], os.getloadavg()[0]],
        "command": "python benchmarks/harness.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "sizes": sizes,
        "runs": {},
        "check": None,
        "batch": None,
        "batch_label": f"{args.batch_feeds} feeds × {args.batch_size:,}",
    }
    raw_path = args.workdir / "results.json"

    def save() -> None:
        # Saved after every step, so a long run that is stopped still leaves its measurements to render.
        raw["when"] = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        raw["load"][1] = os.getloadavg()[0]
        raw_path.write_text(json.dumps(raw, indent=2), encoding="utf-8")

    def record(size: int, tool: str, run: Run) -> None:
        raw["runs"][f"{size}:{tool}"] = asdict(run)
        save()

    run_sizes(sizes, args, record)
    if "check" not in args.skip:
        raw["check"] = run_check(args)
        save()
    if "batch" not in args.skip:
        raw["batch"] = run_batch(args)
        save()
    print(render(raw, args.clock, args.results, args.plot))
    print(f"raw measurements: {raw_path} (re-render with --render {raw_path} --clock wall|cpu)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
