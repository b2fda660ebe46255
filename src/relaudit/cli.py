"""The command line: thin Typer commands that parse options, call one pipeline function, render and exit."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from relaudit import __version__
from relaudit.errors import ExitCode, RelauditError, UsageError

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
    config: ConfigOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
) -> None:
    """Audit one account's export and grade how it builds relationships."""
    from relaudit.account import from_option
    from relaudit.config import load as load_config
    from relaudit.dates import parse_datetime
    from relaudit.gate import GRADES, gate
    from relaudit.pipeline import AuditOptions
    from relaudit.pipeline import audit as run_audit
    from relaudit.render import RENDERERS

    settings = load_config(config)
    fail_on_level = fail_on.value if fail_on else settings.get("fail_on")
    fail_under = fail_under or settings.get("fail_under")
    if fail_on_level is not None and fail_on_level not in [level.value for level in Level]:
        raise UsageError(f"fail_on takes one of suggestion, warning, error, not '{fail_on_level}'")
    moment = None
    if as_of is not None:
        moment = parse_datetime(as_of)
        if moment is None:
            raise UsageError(f"--as-of: cannot read '{as_of}' as a date (use ISO 8601, e.g. 2026-10-31T23:59:00Z)")
    if fail_under is not None and fail_under.upper() not in GRADES:
        raise UsageError(f"--fail-under takes one of {', '.join(GRADES)}, not '{fail_under}'")
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
    )
    report = run_audit(list(paths), options)
    to_terminal = output is None and sys.stdout.isatty()
    color = to_terminal and output_format is Format.text and "NO_COLOR" not in os.environ
    columns = width or (min(os.get_terminal_size().columns, 120) if to_terminal else 80)
    rendered = RENDERERS[output_format.value](report, columns, color)
    _write(rendered, output)
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
    _write(to_csv(rows) if output_format is LabelFormat.csv else to_jsonl(rows), output)


@app.command()
def formats() -> None:
    """List the export formats relaudit reads, what each contains and what it lacks."""
    from relaudit.loaders import LOADERS

    for name, loader in LOADERS.items():
        typer.echo(f"{name}\n  {loader.description}")
        typer.echo(f"  contains: {getattr(loader, 'contains', '-')}\n  lacks:    {getattr(loader, 'lacks', '-')}")


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
        for text in rule.examples[kind]:
            typer.echo(f"  {kind}: {text}")


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
    from relaudit.examples import EXAMPLE_ACCOUNT, example_fires
    from relaudit.labels import Labeller
    from relaudit.pipeline import load_rules
    from relaudit.resources import rules_dir

    labeller = Labeller(rules_dir() / "lexicons", frozenset({EXAMPLE_ACCOUNT}))
    failures, checked = 0, 0
    chosen = {str(p) for p in packs or []}
    for rule in load_rules((*(rules or ()), *(packs or ()))):
        if chosen and rule.origin.rsplit(":", 1)[0] not in chosen:
            continue
        if "account" in rule.scopes and len(rule.scopes) == 1:
            continue
        for expected, texts in (("flag", rule.examples["flag"]), ("pass", rule.examples["pass"])):
            for text in texts:
                checked += 1
                if example_fires(rule, text, labeller) != (expected == "flag"):
                    failures += 1
                    wanted, got = ("flagged", "not flagged") if expected == "flag" else ("not flagged", "flagged")
                    typer.echo(f"FAIL {rule.id} ({rule.origin}), {expected} example:\n    {text!r}")
                    typer.echo(f"  - expected: {wanted}\n  + got:      {got}")
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


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{output}: cannot write: {error.strerror}") from error


def main() -> None:
    """Run the CLI; the one place where errors become one line on stderr and exit code 2."""
    debug = "--debug" in sys.argv[1:]
    try:
        # Not standalone: Typer returns the exit code instead of exiting, and raises usage errors to us.
        code = app(prog_name="relaudit", standalone_mode=False)
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
    _clear_progress()
    sys.exit(code if isinstance(code, int) else int(ExitCode.OK))


def _clear_progress() -> None:
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K")


def _fail(message: str) -> None:
    _clear_progress()
    one_line = " ".join(message.splitlines())  # an error is one line, whatever text it quotes
    sys.stderr.write(f"relaudit: error: {one_line}\n")
    sys.exit(int(ExitCode.ERROR))
