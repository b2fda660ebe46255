"""The parse-only floor: read a JSON Lines export and json.loads every line, nothing else.

    python benchmarks/floor.py FEED.jsonl

No tool that reads the file with the json module can be faster than this; relaudit's time is compared to it.
"""

from __future__ import annotations

import json
import sys


def main(path: str) -> int:
    count = 0
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                json.loads(line)
                count += 1
    print(count)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
