"""Property-based fuzzing: mutated real-shaped inputs give a report or a RelauditError, never another exception.

The normal suite runs a small, derandomised number of examples. A long campaign runs the same properties with
RELAUDIT_FUZZ_EXAMPLES=N (random seeds then), e.g. `python benchmarks/fuzz_campaign.py --minutes 25`.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from relaudit import labels, pipeline
from relaudit.account import from_option
from relaudit.errors import RelauditError
from relaudit.render import RENDERERS
from relaudit.render.labels_format import label_rows, to_csv, to_jsonl
from relaudit.rulepack import load_packs

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CAMPAIGN = int(os.environ.get("RELAUDIT_FUZZ_EXAMPLES", "0"))


def fuzz(examples: int, shrink: bool = True) -> Callable[[Any], Any]:
    """Hypothesis settings: fixed and derandomised in the suite, random and long in a campaign."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate, *([Phase.shrink] if shrink else [])]
    return settings(
        phases=phases,
        max_examples=CAMPAIGN or examples,
        deadline=None,
        derandomize=not CAMPAIGN,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


# --- what to mutate: every loader's fixture, as a whole export (folder) where the format has one ---------------

# name -> (fixture to copy, files in it to mutate, account option); "." is the fixture itself when it is a file.
TARGETS: dict[str, tuple[Path, tuple[str, ...], tuple[str, ...]]] = {
    "twitter-archive": (FIXTURES / "twitter_archive", ("data/tweets.js", "data/account.js"), ()),
    "twitter-csv": (FIXTURES / "twitter_csv", ("tweets.csv", "data/js/user_details.js"), ()),
    "customer-care": (FIXTURES / "customer_care" / "twcs_sample.csv", (".",), ("bikeshophelp",)),
    "mastodon": (FIXTURES / "mastodon", ("outbox.json", "actor.json", "likes.json"), ()),
    "bluesky": (FIXTURES / "bluesky" / "author_feed.json", (".",), ()),
    "bluesky-sdk": (FIXTURES / "bluesky" / "author_feed_sdk.json", (".",), ()),
    "bluesky-car": (FIXTURES / "bluesky" / "repo.car", (".",), ()),  # binary: byte damage only
    "facebook": (
        FIXTURES / "facebook",
        ("posts/your_posts_1.json", "comments_and_reactions/comments.json"),
        (),
    ),
    "instagram": (
        FIXTURES / "instagram",
        ("your_instagram_activity/content/posts_1.json", "your_instagram_activity/comments/post_comments_1.json"),
        (),
    ),
    "linkedin": (FIXTURES / "linkedin", ("Shares.csv", "Comments.csv"), ()),
    "relaudit-jsonl": (ROOT / "samples" / "responsive-brand.jsonl", (".",), ()),
}


@pytest.fixture(scope="module", autouse=True)
def _cached_resources() -> Iterator[None]:
    """Read the shipped rules, curves and lexicons once: the inputs under test are the exports, not these."""
    patch = pytest.MonkeyPatch()
    rules = lru_cache(maxsize=None)(pipeline.load_rules)
    real = pipeline.load_rules

    def load_rules(extra: Any = (), select: Any = (), ignore: Any = (), overrides: Any = None) -> Any:
        return real(extra, select, ignore, overrides) if select or ignore or overrides else rules(tuple(extra))

    patch.setattr(pipeline, "load_rules", load_rules)
    patch.setattr(pipeline, "load_grading", lru_cache(maxsize=None)(pipeline.load_grading))
    patch.setattr(labels, "load_lexicon", lru_cache(maxsize=None)(labels.load_lexicon))
    patch.setattr(labels, "_foreign_words", lru_cache(maxsize=None)(labels._foreign_words))
    yield
    patch.undo()


# --- hostile values --------------------------------------------------------------------------------------------

DEEP = "\x00deep{}\x00"  # placeholder replaced by N nested brackets after serialising (json.dumps would recurse)

ODD_TEXTS = [
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "1e309",
    "NaN",
    "null",
    "true",
    "2026-13-45T99:99:99Z",
    "0000-00-00",
    "Fri Feb 30 25:61:00 +9999 2026",
    "@",
    "@@brightbrew",
    "#",
    "http://",
    "\u202etxet desrever\u202c",
    "\x1b]8;;http://evil.example\x07click\x1b]8;;\x07",
    "\x1b[2J\x1b[31m[bold]red[/bold]",
    '=HYPERLINK("http://evil.example")',
    "<script>alert(1)</script>",
    "lone \ud800 surrogate \udfff",
    "\ufffd\ufeff\u200b\u0000",
    "Ã©Ã¨ mojibake â€™",
    "😀" * 300,
]

texts = st.one_of(
    st.sampled_from(ODD_TEXTS),
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
)
export_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**63, -(2**63) - 1, 10**40]),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
    st.integers(10_000, 2_000_000).map(lambda n: "x" * n),  # huge value
    st.lists(st.one_of(st.none(), st.integers(), texts), max_size=4),
    st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.integers(), texts), max_size=4),
)
hostile_values = st.one_of(export_values, st.integers(50, 5000).map(DEEP.format))  # with deep nesting


def _deepen(text: str) -> str:
    """Replace each quoted DEEP placeholder by that many nested JSON arrays."""
    return _DEEP_JSON.sub(lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)


_DEEP_JSON = re.compile(r'"\\u0000deep(\d+)\\u0000"')


def _paths(tree: Any, limit: int = 3000) -> list[tuple[Any, ...]]:
    """Paths to nodes of a JSON tree, breadth first, at most `limit` of them."""
    found: list[tuple[Any, ...]] = []
    queue: list[tuple[tuple[Any, ...], Any]] = [((), tree)]
    while queue and len(found) < limit:
        path, node = queue.pop(0)
        found.append(path)
        if isinstance(node, dict):
            queue += [((*path, k), v) for k, v in node.items()]
        elif isinstance(node, list):
            queue += [((*path, i), v) for i, v in enumerate(node)]
    return found


@st.composite
def mutated_tree(draw: st.DrawFn, tree: Any, values: st.SearchStrategy[Any] = hostile_values) -> Any:
    """The tree with one to three nodes replaced, deleted or renamed (wrong types, missing keys, odd values)."""
    tree = json.loads(json.dumps(tree))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(tree)
        path = draw(st.sampled_from(paths))
        if not path:
            tree = draw(values)
            continue
        parent = tree
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "replace", "delete", "rename"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(texts)] = parent.pop(path[-1])
        else:
            parent[path[-1]] = draw(values)
    return tree


def _dump_json(tree: Any) -> str:
    return _deepen(json.dumps(tree, ensure_ascii=False))


@st.composite
def json_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """A JSON (or X-archive `window.YTD... = [...]`) file with its parsed tree mutated."""
    try:
        text = raw.decode("utf-8-sig")
        prefix = ""
        if text.startswith(("window.", "var ")):
            cut = text.index("=") + 1
            prefix, text = text[:cut] + " ", text[cut:]
        original = json.loads(text)
    except ValueError:  # binary (a CAR file) or deliberately broken JSON: damage its bytes instead
        return draw(byte_mutation(raw))
    tree = draw(mutated_tree(original))
    return (prefix + _dump_json(tree)).encode("utf-8", errors="surrogatepass")


@st.composite
def jsonl_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """JSON Lines with a few lines' objects mutated, or replaced by garbage."""
    originals = raw.decode("utf-8").splitlines()[:40]  # the sample is 186 lines; 40 keeps each run fast
    lines = list(originals)
    for _ in range(draw(st.integers(1, 3))):
        index = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):  # mutate the original record, never an earlier round's (possibly deep) output
            lines[index] = _dump_json(draw(mutated_tree(json.loads(originals[index]))))
        else:
            lines[index] = draw(texts)
    return ("\n".join(lines) + "\n").encode("utf-8", errors="surrogatepass")


@st.composite
def csv_mutation(draw: st.DrawFn, raw: bytes) -> bytes:
    """CSV with cells replaced by hostile text, rows cut short or lengthened, or a header cell renamed."""
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        if not rows[r]:
            continue
        action = draw(st.sampled_from(["cell", "cell", "cut", "extend"]))
        if action == "cut":
            rows[r] = rows[r][: draw(st.integers(0, len(rows[r])))]
        elif action == "extend":
            rows[r] += [draw(texts) for _ in range(draw(st.integers(1, 3)))]
        else:
            value = draw(hostile_values)
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = value if isinstance(value, str) else json.dumps(value)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return _deepen(buffer.getvalue()).encode("utf-8", errors="surrogatepass")


def byte_mutation(raw: bytes) -> st.SearchStrategy[bytes]:
    """Format-blind damage: truncation, spliced random bytes, other encodings, NUL bytes."""
    size = len(raw)
    truncated = st.integers(0, size).map(lambda n: raw[:n])
    spliced = st.tuples(st.integers(0, size), st.integers(0, 16), st.binary(max_size=32)).map(
        lambda t: raw[: t[0]] + t[2] + raw[t[0] + t[1] :]
    )
    encodings = ["utf-16", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "utf-7"]
    text = raw.decode("utf-8", errors="replace")
    reencoded = st.sampled_from(encodings).map(lambda e: text.encode(e, errors="replace"))
    nuls = st.integers(1, max(1, size // 4)).map(
        lambda step: b"\x00".join(raw[i : i + step] for i in range(0, size, step))
    )
    return st.one_of(truncated, spliced, reencoded, nuls)


def mutation_for(name: str, raw: bytes) -> st.SearchStrategy[bytes]:
    """The structural mutation for the file's kind, or byte damage."""
    if name.endswith(".csv"):
        structural = csv_mutation(raw)
    elif name.endswith(".jsonl"):
        structural = jsonl_mutation(raw)
    else:
        structural = json_mutation(raw)
    return st.one_of(structural, structural, byte_mutation(raw))


def _run_audit(path: Path, account: tuple[str, ...]) -> None:
    """The property: a Report whose every format renders, with records = messages + skipped; or RelauditError."""
    options = pipeline.AuditOptions(account=from_option(list(account)) if account else None)
    try:
        report = pipeline.audit([path], options)
    except RelauditError as error:
        assert str(error).strip(), "an error the user sees must say something"
        return
    counts = report.analysis.counts
    assert report.records == counts["messages"] + counts["skipped"]
    assert len(report.warnings) >= counts["skipped"]
    for name, render in RENDERERS.items():
        output = render(report, 80, name == "text")
        output.encode("utf-8")  # writable: no lone surrogates or other unencodable text
        if name == "json":
            json.loads(output)
    labelled = pipeline.label([path], options)
    rows = list(label_rows(labelled, None))
    to_jsonl(iter(rows)).encode("utf-8")
    to_csv(iter(rows)).encode("utf-8")


def _prepared(name: str, data: st.DataObject, workdir: Path) -> tuple[Path, tuple[str, ...]]:
    """A copy of the target's fixture with one of its files mutated; the path to audit."""
    source, files, account = TARGETS[name]
    target = workdir / source.name
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        shutil.copyfile(source, target)
    chosen = data.draw(st.sampled_from(files), label="file")
    victim = target if chosen == "." else target / chosen
    raw = victim.read_bytes()
    victim.write_bytes(data.draw(mutation_for(victim.name, raw), label="mutation"))
    return target, account


@pytest.mark.parametrize("name", sorted(TARGETS))
@fuzz(examples=12)
@given(data=st.data())
def test_mutated_exports_give_a_report_or_one_error(name: str, data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path, account = _prepared(name, data, Path(folder))
        _run_audit(path, account)


@fuzz(examples=6)
@given(data=st.data())
def test_mutated_zip_exports_give_a_report_or_one_error(data: st.DataObject) -> None:
    """A zipped Mastodon export, damaged as bytes (a corrupt archive) or with a mutated member."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member in sorted((FIXTURES / "mastodon").iterdir()):
                raw = member.read_bytes()
                if member.name == "outbox.json" and data.draw(st.booleans(), label="mutate member"):
                    raw = data.draw(json_mutation(raw), label="member")
                archive.writestr(member.name, raw)
        raw_zip = buffer.getvalue()
        if data.draw(st.booleans(), label="damage zip"):
            raw_zip = data.draw(byte_mutation(raw_zip).filter(lambda b: b[:2] == b"PK"), label="zip bytes")
        path = work / "export.zip"
        path.write_bytes(raw_zip)
        _run_audit(path, ())


# --- rule packs and configuration --------------------------------------------------------------------------------

SMALL_SAMPLE_LINES = 30


@lru_cache(maxsize=1)
def _pack() -> dict[str, Any]:
    """A user pack shaped like the real one: the first few rules of the default pack, renamed."""
    data = yaml.safe_load((ROOT / "rules" / "default.yaml").read_text(encoding="utf-8"))
    rules = data["rules"][:4]
    for rule in rules:
        rule["id"] = "my-" + rule["id"]
    return {"rules": rules}


_DEEP_YAML = re.compile(r'"\\0deep(\d+)\\0"')


def _yaml_text(tree: Any) -> str:
    text = yaml.safe_dump(tree, allow_unicode=True, sort_keys=False)
    # A DEEP placeholder was dumped as a quoted scalar; YAML flow sequences nest the same way JSON ones do.
    text = _DEEP_YAML.sub(lambda m: "[" * int(m.group(1)) + "]" * int(m.group(1)), text)
    return text


def _sample(workdir: Path) -> Path:
    lines = (ROOT / "samples" / "responsive-brand.jsonl").read_text(encoding="utf-8").splitlines()
    path = workdir / "sample.jsonl"
    path.write_text("\n".join(lines[:SMALL_SAMPLE_LINES]) + "\n", encoding="utf-8")
    return path


@fuzz(examples=25)
@given(data=st.data())
def test_mutated_rule_packs_are_refused_with_one_line_or_run(data: st.DataObject) -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        pack = work / "pack.yaml"
        raw = _yaml_text(_pack()).encode("utf-8")
        if data.draw(st.integers(0, 3), label="kind"):
            raw = _yaml_text(data.draw(mutated_tree(_pack()), label="tree")).encode("utf-8", errors="surrogatepass")
        else:
            raw = data.draw(byte_mutation(raw), label="bytes")
        pack.write_bytes(raw)
        try:
            load_packs([pack])
        except RelauditError as error:
            assert str(error).strip()
            return
        # A pack that validates must also run: its rules over a small export.
        options = pipeline.AuditOptions(rule_files=(pack,))
        try:
            report = pipeline.audit([_sample(work)], options)
        except RelauditError:
            return
        json.loads(RENDERERS["json"](report, 80, False))


CONFIG = {
    "select": ["unanswered-complaint", "broadcast-only"],
    "ignore": ["bragging"],
    "levels": {"hard-sell": "error"},
    "options": {"promo-heavy": {"above": 0.3}},
    "brand_names": ["Bright Brew"],
    "ignore_messages": ["1831000021"],
    "account": ["brightbrew"],
    "pending_window": "24h",
    "fail_on": "error",
    "fail_under": "C",
}


@fuzz(examples=15)
@given(data=st.data())
def test_mutated_configuration_is_refused_with_one_line_or_runs(data: st.DataObject) -> None:
    """Through the CLI (the configuration is read there): exit 0/1 with a report, or exit 2 and a RelauditError."""
    from typer.testing import CliRunner

    from relaudit.cli import app

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        config = work / ".relaudit.yaml"
        if data.draw(st.integers(0, 3), label="kind"):
            config.write_bytes(
                _yaml_text(data.draw(mutated_tree(CONFIG), label="tree")).encode("utf-8", "surrogatepass")
            )
        else:
            config.write_bytes(data.draw(byte_mutation(_yaml_text(CONFIG).encode("utf-8")), label="bytes"))
        result = CliRunner().invoke(app, ["audit", str(_sample(work)), "--config", str(config), "-f", "json"])
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            assert isinstance(result.exception, RelauditError), repr(result.exception)
        elif result.exit_code in (0, 1):
            json.loads(result.stdout)


# --- crashes found by fuzzing inside the loaders (being rewritten for streaming); fixes belong there -------------

# Run in a child with capped memory and time: the bug it guards against once took the machine's memory.
_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
sys.argv = ["relaudit", "audit", sys.argv[1], "--input-format", sys.argv[2]]
from relaudit.cli import main
main()
"""


# Found by this fuzzing: RecursionError (bluesky-feed, relaudit) and memory growing with depth squared (mastodon,
# OOM-killed at 23 GB); fixed in the streaming JSON loaders. Kept as a regression test.
@pytest.mark.parametrize(
    "input_format", ["mastodon", "bluesky-feed", "facebook", "instagram", "twitter-archive", "relaudit"]
)
def test_deeply_nested_json_is_one_error(input_format: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "deep.json"
    nested = "[" * 100_000 + "]" * 100_000
    path.write_text('{"id": "1", "author": "a", "created_at": "2026-01-01T00:00:00Z", "x": ' + nested + "}")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), input_format], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "internal error" not in done.stderr, done.stderr


def test_unrecognised_zip_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(RelauditError, match="unrecognised"):
        pipeline.audit([path], pipeline.AuditOptions())


def test_moderately_deep_json_in_a_facebook_post_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "posts" / "your_posts_1.json"
    path.parent.mkdir()
    nested = "[" * 900 + "]" * 900
    path.write_text('[{"timestamp": 1767258000, "data": [{"post": "hi"}], "x": ' + nested + "}]", encoding="utf-8")
    with contextlib.suppress(RelauditError):  # a report or one error line; a RecursionError fails the test
        pipeline.audit([path], pipeline.AuditOptions())


def test_rule_id_that_is_a_list_is_one_error(tmp_path: Path) -> None:
    """Found by the campaign: an unhashable id crashed the configuration-override lookup."""
    pack = tmp_path / "pack.yaml"
    rule = dict(_pack()["rules"][0], id=["not", "text"])
    pack.write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    with pytest.raises(RelauditError, match="id: expected text, found list"):
        load_packs([pack])


def test_html_report_with_no_months_to_chart() -> None:
    """Found by the campaign: an export with nothing own or inbound has no months, and the chart divided by zero."""
    from relaudit.render.html import render_html

    data = pipeline.audit([FIXTURES / "bluesky" / "author_feed_sdk.json"], pipeline.AuditOptions()).to_dict()
    data["trends"]["months"] = []
    assert "<svg" in render_html(data)
