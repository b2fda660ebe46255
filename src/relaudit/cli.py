"""The command line: thin Typer commands that parse options, call one pipeline function, render and exit."""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable, Iterable
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer

from relaudit import __version__
from relaudit.errors import ExitCode, RelauditError, UsageError

if TYPE_CHECKING:
    from relaudit.render.json_format import Copied

app = typer.Typer(
    name="relaudit",
    help="Audit a social-media account's export: does it converse with people, or just broadcast?",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


class Format(str, Enum):
    """Output formats of `relaudit audit`."""

    text = "text"
    json = "json"
    html = "html"


class Level(str, Enum):
    """Finding levels, for --fail-on."""

    suggestion = "suggestion"
    warning = "warning"
    error = "error"


ConfigOption = Annotated[
    Optional[Path],
    typer.Option("--config", help="The configuration file (default: .relaudit.yaml or pyproject.toml, found upward)."),
]
SelectOption = Annotated[
    Optional[list[str]], typer.Option("--select", help="Only these rule ids (repeatable or comma-separated).")
]
IgnoreOption = Annotated[
    Optional[list[str]], typer.Option("--ignore", help="Leave out these rule ids (repeatable or comma-separated).")
]


def _ids(values: list[str] | None) -> tuple[str, ...]:
    return tuple(part.strip() for value in values or [] for part in value.split(",") if part.strip())


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _overrides(settings: Any) -> dict[str, dict[str, Any]]:
    """Per-rule changes from the configuration: `options` keys, and `levels` as each rule's level."""
    merged: dict[str, dict[str, Any]] = {}
    for rule_id, keys in (settings.get("options") or {}).items():
        if not isinstance(keys, dict):
            raise UsageError(f"options: {rule_id}: expected a mapping of the rule's keys to values")
        merged.setdefault(str(rule_id), {}).update(keys)
    for rule_id, level in (settings.get("levels") or {}).items():
        merged.setdefault(str(rule_id), {})["level"] = level
    return merged


def _gate_choice(settings: Any, fail_on: Level | None, fail_under: str | None) -> tuple[str | None, str | None]:
    """--fail-on and --fail-under, else the configuration's fail_on and fail_under, checked."""
    from relaudit.gate import GRADES

    level = fail_on.value if fail_on else settings.get("fail_on")
    grade = fail_under or settings.get("fail_under")
    if level is not None and level not in [choice.value for choice in Level]:
        raise UsageError(f"fail_on takes one of suggestion, warning, error, not '{level}'")
    if grade is not None and str(grade).upper() not in GRADES:
        raise UsageError(f"--fail-under takes one of {', '.join(GRADES)}, not '{grade}'")
    return level, grade


def _version(value: bool) -> None:
    if value:
        typer.echo(f"relaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
) -> None:
    """relaudit: relationship audits for social-media accounts."""


@app.command()
def audit(
    paths: Annotated[list[Path], typer.Argument(help="Export files to audit (merged; duplicate ids skipped).")],
    account: Annotated[
        Optional[list[str]],
        typer.Option("--account", "-a", help="The audited handle (repeatable, @ optional)."),
    ] = None,
    output_format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the report to a file.")] = None,
    as_of: Annotated[
        Optional[str],
        typer.Option("--as-of", help="The export's end (ISO 8601); default: its latest message."),
    ] = None,
    pending_window: Annotated[
        Optional[str],
        typer.Option("--pending-window", help="Unanswered inbound younger than this is pending (e.g. 24h, 90m, 2d)."),
    ] = None,
    fail_on: Annotated[
        Optional[Level],
        typer.Option("--fail-on", help="Exit 1 when a finding of this level or worse exists."),
    ] = None,
    fail_under: Annotated[
        Optional[str],
        typer.Option("--fail-under", help="Exit 1 when the grade is below this letter (A-F)."),
    ] = None,
    rules: Annotated[
        Optional[list[Path]],
        typer.Option("--rules", help="Extra rule pack files, added to the default pack."),
    ] = None,
    input_format: Annotated[
        Optional[str],
        typer.Option("--input-format", help="Skip detection and read the input in this format."),
    ] = None,
    width: Annotated[int, typer.Option("--width", help="Terminal report width in columns.")] = 0,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", help="Worker processes for labels and rules (default: all cores, large exports)."),
    ] = None,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Mask customers' handles, e-mail addresses, phone and order numbers.")
    ] = False,
) -> None:
    """Audit one account's export and grade how it builds relationships."""
    from relaudit.account import from_option
    from relaudit.config import load as load_config
    from relaudit.dates import parse_datetime
    from relaudit.gate import gate
    from relaudit.pipeline import AuditOptions
    from relaudit.pipeline import audit as run_audit
    from relaudit.render import RENDERERS
    from relaudit.render.json_format import FindingsAhead, json_parts

    settings = load_config(config)
    fail_on_level, fail_under = _gate_choice(settings, fail_on, fail_under)
    moment = None
    if as_of is not None:
        moment = parse_datetime(as_of)
        if moment is None:
            raise UsageError(f"--as-of: cannot read '{as_of}' as a date (use ISO 8601, e.g. 2026-10-31T23:59:00Z)")
    handles = account or _as_list(settings.get("account"))
    if handles and from_option(handles) is None:
        raise UsageError("--account: give a handle, e.g. --account brightbrew")
    options = AuditOptions(
        account=from_option(handles),
        as_of=moment,
        pending_window=_duration(pending_window or settings.get("pending_window", "24h")),
        input_format=input_format,
        rule_files=(*settings.rule_files(), *(rules or ())),
        select=_ids(select) or tuple(settings.get("select", [])),
        ignore=_ids(ignore) or tuple(settings.get("ignore", [])),
        overrides=_overrides(settings),
        brand_names=tuple(str(n) for n in settings.get("brand_names", [])),
        ignore_messages=frozenset(str(i) for i in settings.get("ignore_messages", [])),
        progress=_progress(),
        jobs=jobs,
    )
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs takes a number of workers of at least 1, not {jobs}")
    keep: list[object] | None = None
    if _PROCESS_ENDS:
        gc.disable()  # for good: the pipeline pauses it anyway, and re-enabled it would walk every object made
        keep = _KEPT
    # JSON: the findings' text is written by a child process while the report is finished (not of a redacted one)
    with FindingsAhead() as ahead:
        written_ahead = output_format is Format.json and not redact
        report = run_audit(list(paths), options, ahead.start if written_ahead else None, keep)
        if redact:
            from relaudit.redact import redact_report

            report = redact_report(report)
        if output_format is Format.json:
            _write_chunks(json_parts(report, ahead), output)  # streamed: never the whole report as one string
        else:
            to_terminal = output is None and sys.stdout.isatty()
            color = to_terminal and output_format is Format.text and "NO_COLOR" not in os.environ
            columns = width or (min(os.get_terminal_size().columns, 120) if to_terminal else 80)
            _write(RENDERERS[output_format.value](report, columns, color), output)
    if keep is not None:
        keep.append(report)
    raise typer.Exit(int(gate(report, fail_on_level, fail_under)))


class LabelFormat(str, Enum):
    """Output formats of `relaudit label`."""

    jsonl = "jsonl"
    csv = "csv"


@app.command()
def label(
    paths: Annotated[list[Path], typer.Argument(help="Export files (merged; duplicate ids skipped).")],
    account: Annotated[
        Optional[list[str]],
        typer.Option("--account", "-a", help="The audited handle (repeatable, @ optional)."),
    ] = None,
    output_format: Annotated[LabelFormat, typer.Option("--format", "-f", help="Output format.")] = LabelFormat.jsonl,
    only: Annotated[
        Optional[str],
        typer.Option("--only", help="Only messages of one role: inbound, own-original, own-reply, repost, context."),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write to a file.")] = None,
    input_format: Annotated[
        Optional[str],
        typer.Option("--input-format", help="Skip detection and read the input in this format."),
    ] = None,
    redact: Annotated[
        bool, typer.Option("--redact", help="Mask customers' handles, e-mail addresses, phone and order numbers.")
    ] = False,
) -> None:
    """Print what relaudit thinks of each message: role, labels, polarity, complaint score and cues."""
    from relaudit.account import from_option
    from relaudit.conversations import Role
    from relaudit.pipeline import AuditOptions
    from relaudit.pipeline import label as run_label
    from relaudit.render.labels_format import label_rows, to_csv, to_jsonl

    roles = [r.value for r in Role]
    if only is not None and only not in roles:
        raise UsageError(f"--only takes one of {', '.join(roles)}, not '{only}'")
    options = AuditOptions(account=from_option(account or []), input_format=input_format, progress=_progress())
    labelled = run_label(list(paths), options)
    rows = label_rows(labelled, only)
    if redact:
        from relaudit.redact import redact_rows

        rows = redact_rows(rows, labelled.conv.account.handles)
    _write(to_csv(rows) if output_format is LabelFormat.csv else to_jsonl(rows), output)


@app.command()
def formats() -> None:
    """List the export formats relaudit reads, what each contains and what it lacks."""
    from relaudit.loaders import LOADERS

    for name, loader in LOADERS.items():
        typer.echo(f"{name}\n  {loader.description}")
        typer.echo(f"  contains: {getattr(loader, 'contains', '-')}\n  lacks:    {getattr(loader, 'lacks', '-')}")


class CheckFormat(str, Enum):
    """Output formats of `relaudit check`."""

    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


@app.command()
def check(
    paths: Annotated[
        list[str],
        typer.Argument(help="Draft files (text, Markdown, CSV or JSON calendars), folders, or - for standard input."),
    ],
    platform: Annotated[
        Optional[str],
        typer.Option(
            "--platform",
            "-p",
            help="Count length as this platform does: x, mastodon, bluesky, threads, linkedin, facebook, instagram "
            "(a calendar's platform column wins).",
        ),
    ] = None,
    output_format: Annotated[
        Optional[CheckFormat],
        typer.Option("--format", "-f", help="Output format (default: text; github inside GitHub Actions)."),
    ] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to a file.")] = None,
    fail_on: Annotated[
        Optional[Level], typer.Option("--fail-on", help="Exit 1 when a finding of this level or worse exists.")
    ] = None,
    max_warnings: Annotated[
        Optional[int], typer.Option("--max-warnings", help="Exit 1 when there are more warnings than this.")
    ] = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="Print the count per rule instead.")] = False,
    suggest: Annotated[bool, typer.Option("--suggest", help="Print a rewrite hint per finding.")] = False,
    stdin_filename: Annotated[
        Optional[str],
        typer.Option("--stdin-filename", help="The name to report for standard input (its suffix picks the format)."),
    ] = None,
    account: Annotated[
        Optional[list[str]], typer.Option("--account", "-a", help="The handle the drafts are posted from.")
    ] = None,
    rules: Annotated[
        Optional[list[Path]], typer.Option("--rules", help="Extra rule pack files, added to the default pack.")
    ] = None,
    width: Annotated[int, typer.Option("--width", help="Terminal report width in columns.")] = 0,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Check draft posts before publishing: exit 1 when a finding reaches --fail-on (default: error)."""
    from relaudit.config import load as load_config
    from relaudit.drafts.check import CheckOptions
    from relaudit.drafts.check import check as run_check
    from relaudit.drafts.read import platform_name, read_inputs

    settings = load_config(config)
    chosen_platform = platform or settings.get("platform")
    if chosen_platform is not None and platform_name(str(chosen_platform)) is None:
        known = "x, mastodon, bluesky, threads, linkedin, facebook, instagram"
        raise UsageError(f"--platform takes one of {known}, not '{chosen_platform}'")
    fail_on_level = fail_on.value if fail_on else settings.get("fail_on", "error")
    if fail_on_level not in [level.value for level in Level]:
        raise UsageError(f"fail_on takes one of suggestion, warning, error, not '{fail_on_level}'")
    max_warnings = max_warnings if max_warnings is not None else settings.get("max_warnings")
    whole = isinstance(max_warnings, int) and not isinstance(max_warnings, bool)
    if max_warnings is not None and (not whole or max_warnings < 0):
        raise UsageError(f"--max-warnings takes a whole number of at least 0, not '{max_warnings}'")
    stdin_text = None
    if "-" in paths:
        from relaudit.decoding import decode_bytes

        stdin_text = decode_bytes(sys.stdin.buffer.read())[0]
    read = read_inputs(paths, stdin_text, stdin_filename)
    options = CheckOptions(
        platform=platform_name(str(chosen_platform)) if chosen_platform else None,
        account=tuple(account or _as_list(settings.get("account"))),
        rule_files=(*settings.rule_files(), *(rules or ())),
        select=_ids(select) or tuple(settings.get("select", [])),
        ignore=_ids(ignore) or tuple(settings.get("ignore", [])),
        overrides=_overrides(settings),
        brand_names=tuple(str(n) for n in settings.get("brand_names", [])),
    )
    result = run_check(read, options)
    chosen = output_format or (CheckFormat.github if os.environ.get("GITHUB_ACTIONS") == "true" else CheckFormat.text)
    if chosen is CheckFormat.text:
        from relaudit.drafts.terminal import render_text

        to_terminal = output is None and sys.stdout.isatty()
        color = to_terminal and "NO_COLOR" not in os.environ
        columns = width or (min(os.get_terminal_size().columns, 120) if to_terminal else 100)
        rendered = render_text(result, columns, color, suggest, statistics)
    else:
        from relaudit.drafts import output as machine

        rendered = {
            "json": machine.to_json,
            "sarif": machine.to_sarif,
            "github": machine.to_github,
            "junit": machine.to_junit,
        }[chosen.value](result)
    _write(rendered, output)
    from relaudit.drafts.gate import check_gate

    raise typer.Exit(int(check_gate(result, fail_on_level, max_warnings)))


class BatchFormat(str, Enum):
    """Output formats of `relaudit batch`."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


@app.command()
def batch(
    feeds: Annotated[list[Path], typer.Argument(help="Client feeds: export files, folders, zips or manifest YAMLs.")],
    by_account: Annotated[
        bool, typer.Option("--by-account", help="Split files holding many brands into one row per brand.")
    ] = False,
    account: Annotated[
        Optional[list[str]],
        typer.Option("--account", "-a", help="With --by-account: these brands, instead of finding them."),
    ] = None,
    min_replies: Annotated[
        int, typer.Option("--min-replies", help="With --by-account: a brand answered others at least this often.")
    ] = 5,
    output_format: Annotated[BatchFormat, typer.Option("--format", "-f", help="Output format.")] = BatchFormat.table,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the table to a file.")] = None,
    output_dir: Annotated[
        Optional[Path], typer.Option("--output-dir", help="Also write each client's JSON and HTML report here.")
    ] = None,
    baseline: Annotated[
        Optional[Path], typer.Option("--baseline", help="A previous batch's JSON: show what changed since.")
    ] = None,
    fail_on: Annotated[
        Optional[Level], typer.Option("--fail-on", help="Exit 1 when a client has a finding of this level or worse.")
    ] = None,
    fail_under: Annotated[
        Optional[str], typer.Option("--fail-under", help="Exit 1 when a client's grade is below this letter.")
    ] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", help="Parallel workers (default: all cores).")] = None,
    dask_scheduler: Annotated[
        Optional[str], typer.Option("--dask-scheduler", help="Run the audits on this Dask scheduler (tcp://host:8786).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    rules: Annotated[Optional[list[Path]], typer.Option("--rules", help="Extra rule packs for every client.")] = None,
    input_format: Annotated[
        Optional[str], typer.Option("--input-format", help="Skip detection and read every feed in this format.")
    ] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="The exports' end (ISO 8601).")] = None,
    pending_window: Annotated[
        Optional[str], typer.Option("--pending-window", help="Unanswered inbound younger than this is pending.")
    ] = None,
    width: Annotated[int, typer.Option("--width", help="Table width in columns.")] = 0,
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Audit many client feeds and print a league table sorted by score."""
    from relaudit import batch as batching
    from relaudit.batch import table as league_table
    from relaudit.config import load as load_config
    from relaudit.dates import parse_datetime
    from relaudit.diff import read_json
    from relaudit.pipeline import load_rules

    settings = load_config(config)
    fail_on_level, fail_under = _gate_choice(settings, fail_on, fail_under)
    if as_of is not None and parse_datetime(as_of) is None:
        raise UsageError(f"--as-of: cannot read '{as_of}' as a date (use ISO 8601, e.g. 2026-10-31T23:59:00Z)")
    if account and not by_account:
        raise UsageError("--account in a batch picks brands with --by-account; name a client's account in a manifest")
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs takes a number of workers of at least 1, not {jobs}")
    window = pending_window or settings.get("pending_window", "24h")
    _duration(window)
    defaults = batching.Feed(
        client="",
        paths=(),
        account=tuple(account or ()),
        input_format=input_format,
        rule_files=tuple(str(p) for p in (*settings.rule_files(), *(rules or ()))),
        select=_ids(select) or tuple(settings.get("select", [])),
        ignore=_ids(ignore) or tuple(settings.get("ignore", [])),
        overrides=_overrides(settings),
        brand_names=tuple(str(n) for n in settings.get("brand_names", [])),
        ignore_messages=tuple(str(i) for i in settings.get("ignore_messages", [])),
        pending_window=window,
        as_of=as_of,
    )
    # The shared rule packs are checked once, before any feed is read: a mistake there would fail every client.
    load_rules(tuple(Path(p) for p in defaults.rule_files), defaults.select, defaults.ignore, defaults.overrides)
    previous = read_json(baseline, "batch") if baseline is not None else None
    prepared = batching.prepare(list(feeds), defaults, by_account, min_replies)
    bar, update = _batch_progress(quiet)
    if bar is None:
        results = batching.execute(prepared, jobs or os.cpu_count() or 1, dask_scheduler)
    else:
        with bar:
            results = batching.execute(prepared, jobs or os.cpu_count() or 1, dask_scheduler, update)
    rows = league_table.league(results, previous)
    if output_dir is not None:
        from relaudit.batch.site import write_site

        reports = {r["client"]: r["report"] for r in results if "report" in r}
        for note in write_site(output_dir, rows, reports):
            sys.stderr.write(f"relaudit: note: {note}\n")
    to_terminal = output is None and sys.stdout.isatty()
    if output_format is BatchFormat.table:
        color = to_terminal and "NO_COLOR" not in os.environ
        columns = width or (os.get_terminal_size().columns if to_terminal else 160)
        rendered = league_table.to_terminal(rows, columns, color)
    else:
        render = {"csv": league_table.to_csv, "json": league_table.to_json, "markdown": league_table.to_markdown}
        rendered = render[output_format.value](rows)
    _write(rendered, output)
    failed = [r for r in rows if r["error"] is not None]
    for row in failed:
        sys.stderr.write(f"relaudit: error: client '{row['client']}': {row['error']}\n")
    if failed:
        raise typer.Exit(int(ExitCode.ERROR))
    gate_failed = any(league_table.failed_gate(r, fail_on_level, fail_under) for r in rows)
    raise typer.Exit(int(ExitCode.FAILED if gate_failed else ExitCode.OK))


def _batch_progress(quiet: bool) -> tuple[Any, Any]:
    """A rich progress bar on stderr (feeds done, running, failed), only when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("relaudit batch"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} done · {task.fields[running]} running"),
        TextColumn("· {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
        auto_refresh=False,  # no refresh thread: the process pool forks workers while the bar is shown
    )
    task = bar.add_task("batch", total=None, running=0, failed=0)

    def update(done: int, running: int, failed: int, total: int) -> None:
        bar.update(task, completed=done, total=total, running=running, failed=failed)
        bar.refresh()

    return bar, update


class DiffFormat(str, Enum):
    """Output formats of `relaudit diff`."""

    text = "text"
    json = "json"


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier audit's JSON report.")],
    new: Annotated[Path, typer.Argument(help="The later audit's JSON report.")],
    output_format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.text,
) -> None:
    """Compare two JSON audit reports: grade and score changes, new and resolved findings."""
    import json

    from relaudit.diff import compare, read_json, render_text

    before, after = read_json(old, "report"), read_json(new, "report")
    change = compare(before, after)
    if output_format is DiffFormat.json:
        typer.echo(json.dumps(change, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(before, after, change))


rules_app = typer.Typer(help="List, show, validate and test rule packs.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

PackOption = Annotated[
    Optional[list[Path]],
    typer.Option("--rules", help="Extra rule pack files, added to the default pack."),
]


@rules_app.command("list")
def rules_list(rules: PackOption = None) -> None:
    """List every rule: id, level, pillar, scope, title and the pack it comes from."""
    from relaudit.pipeline import load_rules

    for rule in load_rules(tuple(rules or ())):
        pack = Path(rule.origin.rsplit(":", 1)[0]).name
        typer.echo(
            f"{rule.id:<24} {rule.level:<10} {rule.pillar:<15} {','.join(rule.scopes):<18} {rule.title}  [{pack}]"
        )


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="The rule's id.")], rules: PackOption = None) -> None:
    """Show one rule in full: why it exists, how to fix it, its type, options and examples."""
    from relaudit.examples import describe
    from relaudit.pipeline import load_rules

    found = {r.id: r for r in load_rules(tuple(rules or ()))}
    if rule_id not in found:
        raise UsageError(f"no rule '{rule_id}'; see `relaudit rules list`")
    rule = found[rule_id]
    options = ", ".join(f"{k}={v!r}" for k, v in rule.options.items() if not k.startswith("_"))
    typer.echo(f"{rule.id}: {rule.title}\n  level {rule.level}, pillar {rule.pillar}, scope {', '.join(rule.scopes)}")
    typer.echo(f"  type {rule.type}: {options}")
    typer.echo(f"  message: {rule.message}\n  why: {rule.why}\n  fix: {rule.fix}\n  defined at {rule.origin}")
    for kind in ("flag", "pass"):
        for number, example in enumerate(rule.examples[kind], 1):
            if isinstance(example, str):
                typer.echo(f"  {kind}: {example}")
                continue
            typer.echo(f"  {kind} {number}: {example.note}".rstrip())
            for line in describe(example):
                typer.echo(f"      {line}")


@rules_app.command("validate")
def rules_validate(packs: Annotated[list[Path], typer.Argument(help="Rule pack files to check.")]) -> None:
    """Check rule packs completely (with the default pack, so ids must not clash)."""
    from relaudit.pipeline import load_rules

    rules = load_rules(tuple(packs))
    typer.echo(f"ok: {len(rules)} rules")


@rules_app.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of rule packs (also shipped as rules/rule-pack.schema.json) for editors."""
    import json

    from relaudit.schema import rule_pack_schema

    typer.echo(json.dumps(rule_pack_schema(), indent=2))


@rules_app.command("test")
def rules_test(
    packs: Annotated[Optional[list[Path]], typer.Argument(help="Packs to test (default: every loaded rule).")] = None,
    rules: PackOption = None,
) -> None:
    """Run every rule's examples: each flag example must fire and each pass example must not."""
    from relaudit.examples import EXAMPLE_ACCOUNT, check_example, describe
    from relaudit.labels import Labeller
    from relaudit.pipeline import load_rules
    from relaudit.resources import rules_dir

    labeller = Labeller(rules_dir() / "lexicons", frozenset({EXAMPLE_ACCOUNT}))
    failures, checked = 0, 0
    chosen = {str(p) for p in packs or []}
    for rule in load_rules((*(rules or ()), *(packs or ()))):
        if chosen and rule.origin.rsplit(":", 1)[0] not in chosen:
            continue
        for expected in ("flag", "pass"):
            for number, example in enumerate(rule.examples[expected], 1):
                checked += 1
                outcome = check_example(rule, example, labeller)
                if outcome.fired == (expected == "flag"):
                    continue
                failures += 1
                wanted, got = ("flagged", "not flagged") if expected == "flag" else ("not flagged", "flagged")
                if isinstance(example, str):
                    typer.echo(f"FAIL {rule.id} ({rule.origin}), {expected} example:\n    {example!r}")
                else:
                    note = f" ({example.note})" if example.note else ""
                    typer.echo(f"FAIL {rule.id} ({rule.origin}), {expected} example {number}{note}:")
                    typer.echo("".join(f"    {line}\n" for line in describe(example)), nl=False)
                typer.echo(f"  - expected: {wanted}\n  + got:      {got}")
                for finding in outcome.findings:
                    typer.echo(f"      {finding}")
                if outcome.measured:
                    typer.echo(f"    measured: {outcome.measured}")
    typer.echo(f"{checked - failures} passed, {failures} failed")
    raise typer.Exit(int(ExitCode.FAILED if failures else ExitCode.OK))


config_app = typer.Typer(help="Show the effective configuration.", no_args_is_help=True)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(config: ConfigOption = None) -> None:
    """Print the configuration in effect here and the file each value came from."""
    from relaudit.config import KEYS
    from relaudit.config import load as load_config

    settings = load_config(config)
    typer.echo(f"# file: {settings.path or 'none found; defaults apply'}")
    for key in KEYS:
        if key in settings.values:
            typer.echo(f"{key}: {settings.values[key]!r}  # from {settings.origins[key]}")
        else:
            typer.echo(f"# {key}: not set (default)")


def _duration(text: str) -> timedelta:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhd])\s*", text)
    if not match:
        raise UsageError(f"--pending-window: '{text}' is not a duration like 24h, 90m or 2d")
    value, unit = float(match.group(1)), match.group(2)
    return timedelta(minutes=value) if unit == "m" else timedelta(hours=value) if unit == "h" else timedelta(days=value)


def _progress() -> Callable[[int], None] | None:
    """A one-line count on stderr for long exports, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(records: int) -> None:
        sys.stderr.write(f"\rrelaudit: {records:,} records read…")
        sys.stderr.flush()

    return show


def _write_chunks(chunks: Iterable[str | Copied], output: Path | None, flush_at: int = 1 << 20) -> None:
    """Write text made in pieces to the file (or standard output), about a megabyte at a time."""
    if output is not None:
        try:
            with output.open("w", encoding="utf-8") as handle:
                _write_pieces(chunks, handle, flush_at)
        except OSError as error:
            raise UsageError(f"{output}: cannot write: {error.strerror or error}") from error
        return
    try:
        _write_pieces(chunks, sys.stdout, flush_at)
    except BrokenPipeError:
        # The reader went away (`| head`): as with any filter, stop writing, quietly. Standard output now points
        # at the null device, so Python's final flush does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except OSError as error:
        raise UsageError(f"standard output: cannot write: {error.strerror or error}") from error


def _write_pieces(chunks: Iterable[str | Copied], handle: Any, flush_at: int) -> None:
    buffer: list[str] = []
    size = 0
    for chunk in chunks:
        if type(chunk) is not str:  # text already in a file (the findings a child wrote): it writes itself
            handle.write("".join(buffer))
            buffer, size = [], 0
            chunk.write_to(handle)  # type: ignore[union-attr]
            continue
        buffer.append(chunk)
        size += len(chunk)
        if size >= flush_at:
            handle.write("".join(buffer))
            buffer, size = [], 0
    handle.write("".join(buffer))
    handle.flush()  # here, where a closed pipe is handled, not at exit


def _write(text: str, output: Path | None) -> None:
    """Write a whole text to the file (or standard output)."""
    _write_chunks([text], output)


def _debug_first(argv: list[str]) -> list[str]:
    """The arguments with --debug moved before the command, where Typer takes it (not those after "--")."""
    end = argv.index("--") if "--" in argv else len(argv)
    return [argv[0], "--debug", *(a for a in argv[1:end] if a != "--debug"), *argv[end:]]


def _run(args: list[str]) -> Any:
    """Typer's run of the command line; `relaudit audit FILE --debug` as if --debug came before the command."""
    try:
        # Not standalone: Typer returns the exit code instead of exiting, and raises usage errors to us.
        return app(args=args[1:], prog_name="relaudit", standalone_mode=False)
    except Exception as error:
        # Only when Typer refused --debug where it stood: anywhere else it is an option's value, or after "--" a
        # name, and means what it meant. Nothing has run yet: every option is read before a command starts.
        if type(error).__name__ != "NoSuchOption" or getattr(error, "option_name", None) != "--debug":
            raise
        return app(args=_debug_first(args)[1:], prog_name="relaudit", standalone_mode=False)


# The exit code recent Typer versions give for Ctrl-C (KeyboardInterrupt), silently, instead of raising it to main().
INTERRUPTED = 130


# True in the process of the console script and of `python -m relaudit` (run()), which ends with its command: what
# an audit made need neither be walked by the cyclic collector nor freed, object by object, before the process ends
# (~1 s of a million-message audit). main() alone, as tests and other programs call it, changes none of that.
_PROCESS_ENDS = False
# What the audit kept for the process to drop at its end (os._exit) rather than free: its conversations, labels
# and report
_KEPT: list[object] = []


def run() -> None:
    """The console script: main(), in a process that ends with its command."""
    global _PROCESS_ENDS
    _PROCESS_ENDS = True
    main()


def main() -> None:
    """Run the CLI; the one place where errors become one line on stderr and exit code 2."""
    debug = "--debug" in sys.argv[1:]
    try:
        code = _run(sys.argv)
    except RelauditError as error:
        if debug:
            raise
        _fail(str(error))
    except KeyboardInterrupt:
        _fail("interrupted")
    except Exception as error:
        if debug:
            raise
        # Typer's usage errors (its own or click's, depending on the version) carry a ready user message.
        if type(error).__name__ == "Abort":
            _fail("interrupted")
        if type(error).__name__ == "NoArgsIsHelpError":  # bare `relaudit` or `relaudit rules`: help, not an error
            sys.stdout.write(error.format_message() + "\n")  # type: ignore[attr-defined]
            sys.exit(int(ExitCode.OK))
        if hasattr(error, "format_message") and hasattr(error, "exit_code"):
            _fail(error.format_message())
        _fail(f"internal error: {type(error).__name__}: {error} (run with --debug and report it)")
    if code == INTERRUPTED:  # Typer's own answer to Ctrl-C (recent versions): no relaudit command returns it
        _fail("interrupted")
    _clear_progress()
    _exit(code if isinstance(code, int) else int(ExitCode.OK))


def _exit(code: int) -> None:
    """Exit with the code; at once, without freeing anything, when an audit kept what it made for that (_KEPT).

    Not under a tracer or profiler (coverage, cProfile): they write their results as the interpreter ends.
    """
    if _KEPT and sys.gettrace() is None and sys.getprofile() is None:
        try:
            for stream in (sys.stdout, sys.stderr):
                if stream is not None:  # (None: the program was started with that descriptor closed)
                    stream.flush()
        except (OSError, ValueError):  # (a failing or closed stream: the ordinary exit reports it as it would)
            sys.exit(code)
        os._exit(code)
    sys.exit(code)


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")


def _fail(message: str) -> None:
    _clear_progress()
    one_line = " ".join(message.splitlines())  # an error is one line, whatever text it quotes
    sys.stderr.write(f"relaudit: error: {one_line}\n")
    sys.exit(int(ExitCode.ERROR))
