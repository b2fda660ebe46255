"""Write a synthetic export of any size: one brand's customer-care feed, in the relaudit format or as an X archive.

    python benchmarks/generate.py --messages 1000000 --seed 1 --format relaudit --out /tmp/feed-1m.jsonl
    python benchmarks/generate.py --messages 50000 --format x-archive --out /tmp/archive      # folder
    python benchmarks/generate.py --messages 50000 --format x-archive --out /tmp/archive.zip  # zip

Deterministic for a seed (same arguments, byte-identical file) and streaming: threads are generated in order of their
first message and held in a small heap until no later thread can start before them, so memory does not grow with
--messages. The mix (complaints, questions, praise, chatter, brand posts, promotions, reposts, self-threads, a few
messages in other languages) and the reply depths and delays are modelled on ../shared/data/twcs; see wordpools.py.
An X archive holds only the brand's own posts (as real archives do): --messages counts those.
"""

from __future__ import annotations

import argparse
import hashlib
import heapq
import html
import io
import json
import math
import random
import re
import string
import sys
import zipfile
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

sys.path.insert(0, str(Path(__file__).parent))
import wordpools as W  # run as a script: the pools sit next to it

START = datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp()
MEAN_GAP = 45.0  # seconds between thread starts: ~3.5 messages a thread gives ~6,500 a day, a busy care handle
MAX_DELAY = 4 * 86400.0  # a reply comes within four days or never; bounds the heap
TWITTER_EPOCH_MS = 1288834974657
Row = dict[str, Any]


class Feed:
    """Generates one brand's messages as threads; `messages()` yields them in time order."""

    def __init__(self, seed: int, total: int) -> None:
        self.rng = random.Random(seed)
        self.brand = W.BRANDS[seed % len(W.BRANDS)]
        self.customers = max(200, total // 3)  # distinct customers grow with the feed, as they do in twcs
        self.seq = 0
        self.clock = START + self.rng.uniform(0, 86400)

    # -- people, words, ids -------------------------------------------------------------------------------------
    def customer(self) -> int:
        """A customer index: some are regulars (a few hundred people who write often), the rest the long tail."""
        if self.rng.random() < 0.15:
            return self.rng.randrange(300)
        return self.rng.randrange(self.customers)

    @staticmethod
    def handle(index: int) -> str:
        first, rest = W.FIRST[index % len(W.FIRST)], index // len(W.FIRST)
        second, number = W.SECOND[rest % len(W.SECOND)], rest // len(W.SECOND)
        return f"{first}{second}{number or ''}"

    @staticmethod
    def name(index: int) -> str:
        return W.NAMES[index % len(W.NAMES)]

    def new_id(self, when: float) -> str:
        # X ids are snowflakes: milliseconds since X's epoch, then a sequence; sortable by time like the real ones.
        self.seq += 1
        return str((int(when * 1000) - TWITTER_EPOCH_MS) << 22 | (self.seq & 0x3FFFFF))

    def link(self) -> str:
        return "https://t.co/" + "".join(self.rng.choices(string.ascii_letters + string.digits, k=10))

    def fill(self, template: str, name: str = "") -> str:
        """Fill a template's {slots} from the pools; each slot draws independently."""
        pick = self.rng.choice
        slots = {
            "brand": self.brand,
            "name": name or pick(W.NAMES),
            "product": pick(W.PRODUCTS),
            "problem": pick(W.PROBLEMS),
            "wait": pick(W.WAITS),
            "place": pick(W.PLACES),
            "day": pick(W.DAYS),
            "color": pick(W.COLORS),
            "color2": pick(W.COLORS),
            "use": pick(W.USES),
            "link": self.link(),
            "pct": str(self.rng.choice((10, 15, 20, 25, 30, 40, 50))),
            "code": "".join(self.rng.choices(string.ascii_uppercase, k=4)) + str(self.rng.randint(10, 99)),
        }
        for i, tag in enumerate(self.rng.sample(W.TAGS, 5)):
            slots["tag" if i == 0 else f"tag{i + 1}"] = tag
        return template.format(**slots)

    def detail(self) -> str:
        """A personal detail (an order number, a date, a device) from DETAILS, with its numbers drawn fresh."""
        rng = self.rng
        return rng.choice(W.DETAILS).format(
            num=rng.randint(10000, 9999999),
            dd=rng.randint(1, 28),
            amount=rng.randint(5, 900),
            period=rng.choice(W.PERIODS),
            hour=rng.randint(6, 11),
            ref="".join(rng.choices(string.ascii_uppercase + string.digits, k=6)),
            place=rng.choice(W.PLACES),
            device=rng.choice(W.DEVICES),
            relative=rng.choice(W.RELATIVES),
            n=rng.randint(2, 12),
            color=rng.choice(W.COLORS),
            status=rng.choice(W.STATUSES),
            day=rng.choice(W.DAYS),
            product=rng.choice(W.PRODUCTS),
        )

    def personal(self, text: str) -> str:
        """A customer's own touch: a detail, their casing, an occasional typo, emoji or link."""
        rng = self.rng
        if rng.random() < 0.7:
            detail = self.detail()
            text = f"{text} ({detail})" if rng.random() < 0.5 else f"{text} - {detail}"
        if rng.random() < 0.25:
            text = text.lower()
        elif rng.random() < 0.4:
            text = text[0].upper() + text[1:]
        if rng.random() < 0.15 and len(text) > 12:  # a typo: two neighbouring letters swapped
            at = rng.randrange(len(text) - 2)
            text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
        if rng.random() < 0.12:
            text += " " + rng.choice(W.EMOJI)
        if rng.random() < 0.12:
            text += " " + self.link()  # a photo of the broken thing, as in twcs
        return text

    def delay(self, median_minutes: float) -> float:
        """A response delay in seconds: log-normal (most replies within the hour, a long tail of days)."""
        seconds = 60 * median_minutes * math.exp(self.rng.gauss(0, 1.4))
        return min(max(seconds, 20.0), MAX_DELAY - 3600)

    # -- messages ------------------------------------------------------------------------------------------------
    def row(self, author: str, when: float, text: str, parent: Row | None = None, repost: bool = False) -> Row:
        own = author == self.brand
        msg_id = self.new_id(when)
        top = 400 if own and parent is None else 30
        return {
            "id": msg_id,
            "author": author,
            "text": text,
            "created_at": datetime.fromtimestamp(when, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "in_reply_to": parent["id"] if parent else None,
            "in_reply_to_author": parent["author"] if parent else None,
            "platform": "x",
            "likes": int(self.rng.paretovariate(1.5) * 2) % top,
            "reposts": int(self.rng.paretovariate(2.0)) % top - 1,
            "is_repost": repost,
            "url": f"https://x.com/{author}/status/{msg_id}" if self.rng.random() < 0.3 else None,
            "_t": when,
        }

    def customer_text(self, kind: str) -> str:
        rng = self.rng
        if kind == "complaint":
            parts = [f"my {rng.choice(W.PRODUCTS)} {rng.choice(W.PROBLEMS)}"]
            if rng.random() < 0.4:
                parts.append(f"been waiting {rng.choice(W.WAITS)}")
            text = ", ".join(parts) + ". " + rng.choice(W.FEELINGS)
            if rng.random() < 0.6:
                text += " " + rng.choice(W.ASKS)
        elif kind == "question":
            text = self.fill(rng.choice(W.QUESTIONS))
            if rng.random() < 0.3:
                text = rng.choice(("hi, ", "hey ", "quick one: ", "hello! ")) + text
        else:
            text = self.fill(rng.choice(W.PRAISE))
        text = self.personal(text)
        if rng.random() < 0.04:
            text += " #" + rng.choice(W.TAGS)
        # Most customers open with the handle; some name it at the end, like "... @AmazonHelp" in twcs.
        return f"@{self.brand} {text}" if rng.random() < 0.85 else f"{text} @{self.brand}"

    def brand_reply(self, customer: int, canned_ok: bool = True) -> str:
        rng = self.rng
        body = rng.choice(W.REPLY_BODY if canned_ok else W.REPLY_BODY[:5])
        if rng.random() < 0.45:  # care replies in twcs run long: an answer and a next step
            body += " " + rng.choice(W.REPLY_NEXT)
        opening = rng.choice(W.REPLY_OPEN).format(name=self.name(customer))
        text = self.fill(f"{opening} {body}".strip(), self.name(customer))
        if rng.random() < 0.3:  # agents mention the case: "your order #123", "ref AB12CD"
            text += f" ({self.detail()})" if rng.random() < 0.5 else f" Ref {self.rng.randint(100000, 999999)}."
        if rng.random() < 0.15:  # care teams link to a DM or help page, as in twcs
            text += " " + self.link()
        if rng.random() < 0.35:
            text += " " + rng.choice(W.AGENTS)
        return f"@{self.handle(customer)} {text}"

    def thread(self, start: float) -> list[Row]:
        """One thread: who starts it decides its shape; replies go back and forth with log-normal delays."""
        rng, brand = self.rng, self.brand
        kind = rng.choices(
            ("complaint", "question", "praise", "post", "promo", "repost", "self-thread", "foreign", "context"),
            weights=(34, 20, 9, 14, 6, 5, 2, 1, 9),
        )[0]
        if kind == "repost":
            source = rng.choice(W.REPOST_SOURCES)
            return [self.row(brand, start, f"RT @{source}: " + self.fill(rng.choice(W.BRAND_POSTS)), repost=True)]
        if kind == "context":  # people talking near the brand without addressing it: kept for threading only
            return [self.row(self.handle(self.customer()), start, self.personal(self.fill(rng.choice(W.CHATTER))))]
        if kind in ("post", "promo", "self-thread"):
            return self.brand_thread(start, kind)
        who = self.customer()
        text = self.personal(self.fill(rng.choice(W.FOREIGN))) if kind == "foreign" else self.customer_text(kind)
        first = self.row(self.handle(who), start, text)
        rows = [first]
        if rng.random() < 0.08:  # a second customer piles on
            other = self.customer()
            chatter = self.personal(self.fill(rng.choice(W.CHATTER)))
            rows.append(self.row(self.handle(other), start + self.delay(40), chatter, first))
        answered = {"complaint": 0.82, "question": 0.85, "praise": 0.55, "foreign": 0.6}[kind]
        self.exchange(rows, first, who, start, answered)
        return rows

    def exchange(self, rows: list[Row], last: Row, who: int, when: float, answered: float) -> None:
        """Back and forth between the brand and one customer until one side stops (depth: mostly 1-3, up to 12)."""
        rng = self.rng
        for turn in range(6):
            if rng.random() > (answered if turn == 0 else 0.75):
                return
            when += self.delay(25 if turn == 0 else 12)
            last = self.row(self.brand, when, self.brand_reply(who, canned_ok=turn == 0), last)
            rows.append(last)
            if rng.random() > 0.45:
                return
            when += self.delay(30)
            followup = self.personal(self.fill(rng.choice(W.FOLLOWUP), self.name(who)))
            last = self.row(self.handle(who), when, followup, last)
            rows.append(last)

    def brand_thread(self, start: float, kind: str) -> list[Row]:
        rng, brand = self.rng, self.brand
        post = self.row(brand, start, self.fill(rng.choice(W.PROMO_POSTS if kind == "promo" else W.BRAND_POSTS)))
        rows = [post]
        if kind == "self-thread":
            last, when = post, start
            for _ in range(rng.randint(1, 3)):
                when += rng.uniform(30, 300)
                last = self.row(brand, when, self.fill(rng.choice(W.BRAND_POSTS)), last)
                rows.append(last)
            return rows
        for _ in range(min(int(rng.paretovariate(1.3)) - 1, 8)):  # most posts get no replies, a few get many
            who = self.customer()
            when = start + self.delay(90)
            kind_reply = rng.choices(("question", "praise", "complaint"), weights=(4, 4, 2))[0]
            reply = self.row(self.handle(who), when, self.customer_text(kind_reply), post)
            rows.append(reply)
            self.exchange(rows, reply, who, when, 0.5)
        return rows

    def messages(self, total: int) -> Iterator[Row]:
        """Up to `total` messages in time order (threads interleave as they would on the platform)."""
        heap: list[tuple[float, int, Row]] = []
        emitted = order = 0
        while emitted < total:
            hour = datetime.fromtimestamp(self.clock, timezone.utc).hour
            self.clock += self.rng.expovariate(1.0 / MEAN_GAP) * (3.0 if hour < 6 else 1.0)  # quiet nights
            for row in self.thread(self.clock):
                order += 1
                heapq.heappush(heap, (row["_t"], order, row))
            # No later thread starts before self.clock, so everything earlier is final.
            while heap and heap[0][0] <= self.clock and emitted < total:
                yield heapq.heappop(heap)[2]
                emitted += 1


def write_relaudit(feed: Feed, total: int, out: IO[str]) -> int:
    """JSON Lines with the fields relaudit_format.py reads, one message a line."""
    count = 0
    for row in feed.messages(total):
        row.pop("_t")
        out.write(json.dumps(row, ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


_MENTION = re.compile(r"@(\w+)")
_HASHTAG = re.compile(r"#(\w+)")
_URL = re.compile(r"https?://\S+")


def numeric_id(handle: str) -> str:
    return str(int(hashlib.sha1(handle.encode()).hexdigest()[:15], 16))


def tweet(row: Row, brand: str) -> dict[str, Any]:
    """One entry of tweets.js, shaped like the real archive: strings for numbers, HTML-escaped text, entities."""
    text = row["text"]
    tweet_obj: dict[str, Any] = {
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {
            "hashtags": [
                {"text": m.group(1), "indices": [str(m.start()), str(m.end())]} for m in _HASHTAG.finditer(text)
            ],
            "symbols": [],
            "user_mentions": [
                {
                    "name": m.group(1),
                    "screen_name": m.group(1),
                    "indices": [str(m.start()), str(m.end())],
                    "id_str": numeric_id(m.group(1)),
                    "id": numeric_id(m.group(1)),
                }
                for m in _MENTION.finditer(text)
            ],
            "urls": [
                {
                    "url": m.group(0),
                    "expanded_url": m.group(0),
                    "display_url": m.group(0)[8:],
                    "indices": [str(m.start()), str(m.end())],
                }
                for m in _URL.finditer(text)
            ],
        },
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(row["likes"]),
        "id_str": row["id"],
        "truncated": False,
        "retweet_count": str(row["reposts"]),
        "id": row["id"],
        "created_at": datetime.fromtimestamp(row["_t"], timezone.utc).strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "favorited": False,
        "full_text": html.escape(text, quote=False),
        "lang": "en",
    }
    if row["in_reply_to"]:
        parent_author = row["in_reply_to_author"]
        tweet_obj.update(
            in_reply_to_status_id_str=row["in_reply_to"],
            in_reply_to_status_id=row["in_reply_to"],
            in_reply_to_user_id=numeric_id(parent_author),
            in_reply_to_user_id_str=numeric_id(parent_author),
            in_reply_to_screen_name=parent_author,
        )
    return {"tweet": tweet_obj}


def account_js(brand: str) -> str:
    account = {
        "email": "owner@example.invalid",
        "createdVia": "web",
        "username": brand,
        "accountId": numeric_id(brand),
        "createdAt": "2019-05-01T09:00:00.000Z",
        "accountDisplayName": brand.replace("_", " ").title(),
    }
    return "window.YTD.account.part0 = " + json.dumps([{"account": account}], indent=2, separators=(",", " : "))


def write_tweets(feed: Feed, total: int, out: IO[str]) -> int:
    """data/tweets.js: the brand's own posts only, one indented element after another, as X writes them."""
    out.write("window.YTD.tweets.part0 = [")
    count = 0
    for row in feed.messages(sys.maxsize):
        if row["author"] != feed.brand:
            continue
        entry = json.dumps(tweet(row, feed.brand), indent=2, separators=(",", " : "), ensure_ascii=False)
        out.write((",\n  " if count else "\n  ") + entry.replace("\n", "\n  "))
        count += 1
        if count == total:
            break
    out.write("\n]")
    return count


def write_archive(feed: Feed, total: int, out: Path) -> int:
    """An X archive as a folder (data/tweets.js, data/account.js) or, when OUT ends in .zip, as a zip."""
    if out.suffix.lower() == ".zip":
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data/account.js", account_js(feed.brand))
            with (
                archive.open("data/tweets.js", "w", force_zip64=True) as raw,
                io.TextIOWrapper(raw, encoding="utf-8") as text,
            ):
                return write_tweets(feed, total, text)
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "data" / "account.js").write_text(account_js(feed.brand), encoding="utf-8")
    with (out / "data" / "tweets.js").open("w", encoding="utf-8") as text:
        return write_tweets(feed, total, text)


def generate(total: int, seed: int, output_format: str, out: Path) -> int:
    """Write the export and return how many messages it holds."""
    feed = Feed(seed, total)
    if output_format == "x-archive":
        return write_archive(feed, total, out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        return write_relaudit(feed, total, handle)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, required=True, help="how many messages (X archive: own posts)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; also picks the brand's handle")
    parser.add_argument("--format", choices=("relaudit", "x-archive"), default="relaudit")
    parser.add_argument("--out", type=Path, required=True, help="file (relaudit), folder or .zip (x-archive)")
    args = parser.parse_args(argv)
    if args.messages < 1:
        parser.error("--messages must be at least 1")
    written = generate(args.messages, args.seed, args.format, args.out)
    print(f"{args.out}: {written} messages", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
