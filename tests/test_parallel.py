"""Several worker processes give the very same report as one (labels and message rules split by slices)."""

from __future__ import annotations

import json
import multiprocessing
import subprocess
import sys

import pytest

from relaudit import parallel
from relaudit.parallel import MIN_MESSAGES, map_slices, worker_count
from relaudit.pipeline import AuditOptions, audit
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="worker processes need fork (Linux, macOS)"
)


@pytest.mark.parametrize("sample", ["broadcast-brand.jsonl", "responsive-brand.jsonl"])
def test_two_and_three_workers_give_the_same_report_as_one(sample):
    path = ROOT / "samples" / sample
    reports = [json.dumps(audit([path], AuditOptions(jobs=jobs)).to_dict()) for jobs in (1, 2, 3)]
    assert reports[0] == reports[1] == reports[2]  # byte for byte, keys in their order


def test_more_slices_than_workers_give_the_same_report(monkeypatch):
    from relaudit import parallel

    path = ROOT / "samples" / "responsive-brand.jsonl"
    expected = json.dumps(audit([path], AuditOptions(jobs=1)).to_dict())
    monkeypatch.setattr(parallel, "SLICE", 40)  # 186 messages: five slices for two workers
    assert json.dumps(audit([path], AuditOptions(jobs=2)).to_dict()) == expected


def test_rules_with_the_labels_give_what_rules_after_labelling_give(monkeypatch):
    from relaudit import pipeline

    for sample in ("broadcast-brand.jsonl", "responsive-brand.jsonl"):
        path = ROOT / "samples" / sample
        combined = json.dumps(audit([path], AuditOptions(jobs=2)).to_dict())
        with monkeypatch.context() as patch:
            patch.setattr(pipeline, "checkable_before_metrics", lambda rules: False)  # the two-stage path
            assert json.dumps(audit([path], AuditOptions(jobs=2)).to_dict()) == combined


def test_audits_in_threads_side_by_side_keep_to_their_own_state():
    from concurrent.futures import ThreadPoolExecutor

    paths = [ROOT / "samples" / name for name in ("broadcast-brand.jsonl", "responsive-brand.jsonl")] * 3
    expected = [json.dumps(audit([p], AuditOptions(jobs=1)).to_dict()) for p in paths]
    with ThreadPoolExecutor(max_workers=6) as pool:
        found = list(pool.map(lambda p: json.dumps(audit([p], AuditOptions(jobs=1)).to_dict()), paths))
    assert found == expected


def squares(start: int, end: int) -> list[int]:
    """A slice's work for the test below (module level: workers find it by name)."""
    return [i * i for i in range(start, end)]


def test_slices_come_back_in_order():
    assert map_slices(squares, 10, 3) == [i * i for i in range(10)]
    assert map_slices(squares, 1, 4) == [0]


def test_slices_cover_everything_once_and_shrink_towards_the_end():
    from relaudit.parallel import SLICE, slices

    for count, workers in [(1, 2), (3, 4), (186, 2), (186, 3), (20_000, 2), (100_000, 2), (1_000_000, 2)]:
        found = slices(count, workers)
        assert [s for s, _ in found] == [0] + [e for _, e in found[:-1]] and found[-1][1] == count  # contiguous
        sizes = [e - s for s, e in found]
        assert max(sizes) <= SLICE and sizes == sorted(sizes, reverse=True)
    assert slices(186, 2) == [(0, 93), (93, 186)]  # a small export: a slice per worker
    # 100,000 for two workers: 25,000, then a quarter of what is left per worker (75,000 / 4 = 18,750), ...
    assert slices(100_000, 2)[:3] == [(0, 25_000), (25_000, 43_750), (43_750, 57_813)]
    assert slices(100_000, 2)[-2:] == [(98_834, 99_834), (99_834, 100_000)]  # ... down to 1,000


def test_worker_count_defaults():
    assert worker_count(10) == 1  # small exports stay in one process
    assert worker_count(MIN_MESSAGES, jobs=1) == 1
    assert worker_count(5, jobs=2) == 2  # asked for
    assert worker_count(MIN_MESSAGES) >= 1


def test_labels_survive_packing():
    import dataclasses

    from relaudit.labels import Labels
    from relaudit.pipeline import _unpack

    values = dict(
        complaint=True, complaint_score=0.25, cues=("problem word", "[negation]"), question=True, praise=True,
        promotional=True, asks_question=True, self_refs=3, audience_refs=2, polarity=-0.5, not_labelled=True,
    )  # fmt: skip
    assert list(values) == [f.name for f in dataclasses.fields(Labels)]  # every field, in order
    labels = Labels(**values)
    assert labels.packed() == tuple(values.values())
    first, second, other = _unpack([labels.packed(), labels.packed(), Labels().packed()])
    assert first == labels and first is second  # equal labels are one object
    assert other == Labels()


def test_findings_survive_packing():
    import dataclasses
    from datetime import datetime, timezone

    from relaudit.engine import Finding

    finding = Finding(
        "r", "error", "responsiveness", "m", 1.5, "7", datetime(2026, 1, 1, tzinfo=timezone.utc), "e", "f:1"
    )
    assert finding.packed() == tuple(getattr(finding, f.name) for f in dataclasses.fields(Finding))
    assert Finding(*finding.packed()) == finding


PACK_WITH_A_METRIC = """\
rules:
  - id: thin-promo
    title: Promo in a thin feed
    pillar: audience-value
    level: warning
    scope: own-post
    type: all
    conditions:
      - {type: metric, metric: reply_share, below: 0.99}
      - {type: phrases, phrases: [shop now]}
    message: "Promo while reply share is {value}"
    why: Test rule.
    fix: Test rule.
"""


def test_message_rules_that_read_a_metric_run_after_labelling(tmp_path):
    from relaudit.engine import checkable_before_metrics
    from relaudit.pipeline import load_rules

    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK_WITH_A_METRIC, encoding="utf-8")
    assert checkable_before_metrics(load_rules())  # the default pack runs its message rules with the labels
    assert not checkable_before_metrics(load_rules((pack,)))  # a nested metric: after labelling, with every metric
    path = ROOT / "samples" / "broadcast-brand.jsonl"
    reports = [audit([path], AuditOptions(rule_files=(pack,), jobs=jobs)) for jobs in (1, 2)]
    found = [f for f in reports[0].findings if f.rule == "thin-promo"]
    assert found and all("reply share is" in f.message for f in found)  # the metric had its value
    assert json.dumps(reports[0].to_dict()) == json.dumps(reports[1].to_dict())


def test_packing_keeps_the_sign_of_a_zero_score():
    from relaudit.labels import Labels
    from relaudit.pipeline import _unpack

    plus, minus = Labels(complaint_score=0.0), Labels(complaint_score=-0.0)
    first, second = _unpack([plus.packed(), minus.packed()])
    assert str(first.complaint_score) == "0.0" and str(second.complaint_score) == "-0.0"


KILLED_WORKER = """
import os, sys
from relaudit import parallel
from relaudit.errors import WorkerError

def slice_(start, end):
    if start > 0:
        os._exit(9)  # as the out-of-memory killer would end it
    return [end - start]

try:
    parallel.map_slices(slice_, 4000, 2)
except WorkerError as error:
    print("stopped:", error)
"""


@pytest.mark.skipif(not parallel._can_fork(), reason="workers are forked on Linux only")
def test_a_worker_that_dies_stops_the_audit_with_one_line_instead_of_hanging():
    # in a process of its own with a time limit: multiprocessing.Pool, used before, waited for ever here
    done = subprocess.run([sys.executable, "-c", KILLED_WORKER], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == f"stopped: {parallel.WORKER_DIED}", done.stderr
