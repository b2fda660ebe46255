"""What a user would write instead of relaudit: json + TextBlob in a script or notebook cell.

    python benchmarks/baseline.py FEED.jsonl [--account HANDLE]

Reads the JSON Lines export with the json module, runs `TextBlob(text).sentiment` on every message, joins replies to
their parents and prints reply share, response rate and the sentiment of inbound messages as JSON. Plain, honest code:
a dict from id to message, one pass to join; nothing made slow on purpose, nothing tuned either. Without --account the
brand is the most frequent author, which is what one would eyeball.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

from textblob import TextBlob


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--account", help="the brand's handle (default: the most frequent author)")
    args = parser.parse_args(argv)

    messages = []
    with open(args.path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                message = json.loads(line)
                message["polarity"] = TextBlob(message["text"] or "").sentiment.polarity
                messages.append(message)

    brand = (args.account or Counter(m["author"] for m in messages).most_common(1)[0][0]).lstrip("@").lower()
    by_id = {m["id"]: m for m in messages}
    answered = set()
    own_posts = own_replies = 0
    for m in messages:
        if m["author"].lower() != brand or m.get("is_repost"):
            continue
        parent = by_id.get(m.get("in_reply_to"))
        parent_author = (parent["author"] if parent else m.get("in_reply_to_author")) or ""
        if m.get("in_reply_to") and parent_author.lower() != brand:
            own_replies += 1
            answered.add(m["in_reply_to"])
        else:
            own_posts += 1

    inbound = [
        m
        for m in messages
        if m["author"].lower() != brand
        and (f"@{brand}" in (m["text"] or "").lower() or (m.get("in_reply_to_author") or "").lower() == brand)
    ]
    negative = [m for m in inbound if m["polarity"] < 0]
    result = {
        "messages": len(messages),
        "account": brand,
        "reply_share": round(own_replies / (own_posts + own_replies), 4) if own_posts + own_replies else None,
        "response_rate": round(sum(m["id"] in answered for m in inbound) / len(inbound), 4) if inbound else None,
        "inbound": len(inbound),
        "negative_inbound": len(negative),
        "negative_answered": sum(m["id"] in answered for m in negative),
        "mean_polarity": round(sum(m["polarity"] for m in messages) / len(messages), 4) if messages else None,
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
