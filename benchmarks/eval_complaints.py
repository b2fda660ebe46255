"""Evaluate the complaint detector on a labelled CSV (id, text, label[, domain]): precision, recall, F1, confusion.

Each text goes through the Labeller exactly as `relaudit label` labels an inbound message. Usage:

    python benchmarks/eval_complaints.py ../shared/data/complaints/complaints-dev.csv
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from relaudit.conversations import Role
from relaudit.labels import Labeller
from relaudit.model import Message, Source
from relaudit.resources import rules_dir


def score(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    """Precision, recall, F1 and the confusion counts for (truth, predicted) pairs."""
    tp = sum(1 for t, p in pairs if t and p)
    fp = sum(1 for t, p in pairs if not t and p)
    fn = sum(1 for t, p in pairs if t and not p)
    tn = len(pairs) - tp - fp - fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn, "tn": tn, "n": len(pairs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    args = parser.parse_args()
    labeller = Labeller(rules_dir() / "lexicons", frozenset({"brand"}))
    by_domain: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with args.csv.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            message = Message(
                str(row.get("id") or number), "customer", row["text"], when, Source(str(args.csv), number)
            )
            predicted = labeller.label(message, Role.INBOUND).complaint
            by_domain[row.get("domain") or "all"].append((row["label"].strip() == "1", predicted))
    everything = [pair for pairs in by_domain.values() for pair in pairs]
    print(f"{'domain':<22}{'n':>6}{'P':>7}{'R':>7}{'F1':>7}   tp   fp   fn   tn")
    for domain, pairs in [*sorted(by_domain.items()), ("ALL", everything)]:
        s = score(pairs)
        print(
            f"{domain:<22}{s['n']:>6}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f" {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['tn']:>4}"
        )


if __name__ == "__main__":
    main()
