"""Write the two bundled sample exports (relaudit format): a broadcasting brand and a conversing one.

Deterministic: a fixed seed, so rerunning gives byte-identical files. Run from anywhere:
    python samples/make_samples.py
Every text is invented for relaudit.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent


class Feed:
    """Builds one export: messages with unique numeric ids, written sorted by time."""

    def __init__(self, brand: str, start: datetime, first_id: int) -> None:
        self.brand, self.start, self.next_id = brand, start, first_id
        self.rows: list[dict] = []

    def add(
        self,
        author: str,
        when: datetime,
        text: str,
        reply_to: dict | None = None,
        repost: bool = False,
        rng: random.Random | None = None,
    ) -> dict:
        self.next_id += 7
        row = {
            "id": str(self.next_id),
            "author": author,
            "text": text,
            "created_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "in_reply_to": reply_to["id"] if reply_to else None,
            "in_reply_to_author": reply_to["author"] if reply_to else None,
            "platform": "x",
            "likes": (rng or random.Random(self.next_id)).randint(0, 40),
            "reposts": (rng or random.Random(self.next_id + 1)).randint(0, 9),
            "is_repost": repost,
            "url": f"https://x.com/{author}/status/{self.next_id}" if self.next_id % 3 == 0 else None,
        }
        self.rows.append(row)
        return row

    def write(self, name: str) -> None:
        rows = sorted(self.rows, key=lambda r: (r["created_at"], int(r["id"])))
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (HERE / name).write_text(text, encoding="utf-8")


CUSTOMERS = [
    "maria_k",
    "tom.h",
    "dev_guy88",
    "lucia_bakes",
    "sam_runs",
    "priya.n",
    "joe_b",
    "hannah_w",
    "kofi_a",
    "ines_m",
    "big_mike",
    "rachel.d",
    "owen_t",
    "mei_l",
    "carlos_r",
    "zoe_k",
    "ahmed_s",
    "lena_p",
    "finn_o",
    "grace_h",
    "raj_p",
    "nina_v",
    "paul_e",
    "yuki_t",
    "omar_f",
    "bella_c",
    "theo_g",
    "ada_q",
    "leo_m",
    "ruth_b",
    "ivan_d",
    "sara_l",
    "kim_j",
    "noah_w",
    "eva_s",
    "luca_r",
    "chloe_a",
    "ben_t",
    "maya_k",
    "jon_p",
    "amira_h",
    "felix_z",
    "tara_n",
    "dan_c",
    "olga_v",
]


def pick(rng: random.Random, *options: str) -> str:
    return rng.choice(options)


def broadcast(rng: random.Random) -> Feed:
    """brightbrew: a coffee-machine brand that posts adverts and almost never answers anyone."""
    feed = Feed("brightbrew", datetime(2026, 8, 1, 8, tzinfo=timezone.utc), 1831000000)
    brand = "brightbrew"
    products = ["X200", "BrewMaster Pro", "Milk Frother 3", "Grinder G5", "Cold Brew Kit"]
    promos = [
        "Shop now! {p} is {n}% off this week only: https://brightbrew.example/sale",
        "Limited time: buy the {p} today and get free shipping. https://brightbrew.example/{slug}",
        "Our {p} is back in stock. Order now before it sells out again! https://brightbrew.example/{slug}",
        "FLASH SALE ON THE {P} TODAY ONLY!!! https://brightbrew.example/flash",
        "Don't miss our Black Friday preview: {n}% off every {p}. Buy now!",
        "New collection just dropped. Get yours: https://brightbrew.example/new",
        "Use promo code BREW{n} for a discount on the {p}. Shop now!",
    ]
    brags = [
        "We are proud to announce that our {p} won another award. Our team is simply the best.",
        "Our award-winning {p} is the number one choice of baristas. We lead, others follow.",
        "We are thrilled: our company was named industry-leading again. Our engineers are world-class.",
        "Proud to announce our new headquarters. We have grown so much this year and our team is amazing.",
        "We make the best machines on the market. Our quality, our design, our passion.",
    ]
    fillers = [
        "Monday fuel. #coffee #espresso #barista #latte #caffeine #mondaymotivation #brightbrew",
        "https://brightbrew.example/lookbook",
        "New video: https://brightbrew.example/video/{n}",
        "Our {p}. Our craft. Our story. https://brightbrew.example/story",
        "Coffee o'clock with the {p} ☕",
        "Our factory tour photos are up on our blog: https://brightbrew.example/blog/{n}",
    ]
    complaints = [
        "@brightbrew my {p} stopped working after two weeks. Still waiting for someone to reply to my email.",
        "@brightbrew I was charged twice for order #{o}. Nobody answers the phone. Really disappointed.",
        "@brightbrew waited 3 weeks for delivery and the box arrived damaged. Not happy.",
        "@brightbrew the {p} is leaking water all over my counter. This is unacceptable.",
        "@brightbrew still no refund for my returned {p}, it's been a month",
        "@brightbrew your customer service is useless, 2 hours on hold and then cut off",
        "@brightbrew order {o} never arrived and the tracking link is broken",
        "@brightbrew the steam wand on my {p} broke on day one. Terrible quality for the price.",
        "@brightbrew why does my {p} show error E4 every morning? So frustrating.",
        "@brightbrew I cancelled my subscription in July and you still charged me. Fix this please.",
    ]
    questions = [
        "@brightbrew does the {p} work with oat milk?",
        "@brightbrew when will the {p} be back in stock?",
        "@brightbrew is there a descaling guide for the {p} somewhere?",
        "@brightbrew do you ship to Ireland?",
        "@brightbrew which grind size do you recommend for the Cold Brew Kit?",
        "@brightbrew can I buy a spare water tank for the {p}?",
    ]
    praise = [
        "@brightbrew love my new {p}, best coffee I've had at home 😍",
        "@brightbrew thanks for the quick delivery, the {p} looks great",
        "@brightbrew honestly the crema from the {p} is amazing",
        "@brightbrew shout out to whoever designed the {p}, brilliant machine",
    ]
    chatter = [
        "@brightbrew saw your stand at the café fair today",
        "@brightbrew my cat is scared of the grinder noise lol",
        "@brightbrew first coffee of the day with the {p}",
    ]

    def fill(template: str) -> str:
        p = rng.choice(products)
        return template.format(
            p=p,
            P=p.upper(),
            n=rng.choice([10, 15, 20, 25, 30]),
            o=rng.randint(40000, 49999),
            slug=p.lower().replace(" ", "-"),
        )

    originals: list[dict] = []
    day = feed.start
    for i in range(92):
        when = day + timedelta(hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
        day += timedelta(hours=rng.choice([19, 23, 24, 25, 26]))
        kind = rng.random()
        template = rng.choice(promos) if kind < 0.58 else rng.choice(brags) if kind < 0.8 else rng.choice(fillers)
        if i in (30, 61):  # the only two posts that ask anything
            template = "Which {p} colour should we make next? Tell us!"
        originals.append(feed.add(brand, when, fill(template), rng=rng))
    for post in rng.sample(originals[:80], 3):  # self-threads
        feed.add(
            brand,
            _after(post, 3),
            fill("Our {p} also comes with our two-year warranty. We stand by our quality."),
            reply_to=post,
            rng=rng,
        )
    for i in range(8):
        post = originals[i * 11]
        fan = rng.choice(CUSTOMERS)
        feed.add(
            brand,
            _after(post, 90),
            f"RT @{fan}: my morning {rng.choice(products)} latte, perfect",
            repost=True,
            rng=rng,
        )

    inbound: list[dict] = []
    kinds = ["complaint"] * 25 + ["question"] * 15 + ["praise"] * 10 + ["chatter"] * 8
    rng.shuffle(kinds)
    texts = {"complaint": complaints, "question": questions, "praise": praise, "chatter": chatter}
    for n, kind in enumerate(kinds):
        who = CUSTOMERS[n % 40]
        post = rng.choice(originals[:88])
        reply = post if rng.random() < 0.4 else None
        text = fill(rng.choice(texts[kind]))
        inbound.append(feed.add(who, _after(post, rng.randint(20, 1900)), text, reply_to=reply, rng=rng))
    for row in inbound[:4]:  # follow-ups to their own complaint, and another customer chiming in
        feed.add(
            row["author"],
            _after(row, 1440 * 2),
            f"@brightbrew {pick(rng, 'any update?', 'hello??', 'still nothing')}",
            reply_to=row,
            rng=rng,
        )
    feed.add(
        "ada_q",
        _after(inbound[5], 300),
        f"@{inbound[5]['author']} same happened to me, they never reply",
        reply_to=inbound[5],
        rng=rng,
    )
    # The only brand replies: late, one canned twice, one after five days.
    feed.add(
        brand,
        _after(inbound[1], 60 * 26),
        f"@{inbound[1]['author']} Sorry for any inconvenience. Please DM us.",
        reply_to=inbound[1],
        rng=rng,
    )
    feed.add(
        brand,
        _after(inbound[7], 60 * 50),
        f"@{inbound[7]['author']} Sorry for any inconvenience. Please DM us.",
        reply_to=inbound[7],
        rng=rng,
    )
    feed.add(
        brand,
        _after(inbound[9], 60 * 24 * 5),
        f"@{inbound[9]['author']} Thanks for reaching out. Our team will look into it.",
        reply_to=inbound[9],
        rng=rng,
    )
    last = max(r["created_at"] for r in feed.rows)
    end = datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    for hours, text in (
        (9, "@brightbrew my X200 arrived with a cracked drip tray"),
        (3, "@brightbrew is the sale on in stores too?"),
    ):
        feed.add(rng.choice(CUSTOMERS[40:]), end - timedelta(hours=hours), text, rng=rng)  # pending at the export's end
    return feed


def responsive(rng: random.Random) -> Feed:
    """trailmix_outdoors: an outdoor-gear shop that asks, listens and answers within the hour."""
    feed = Feed("trailmix_outdoors", datetime(2026, 9, 1, 7, tzinfo=timezone.utc), 1841000000)
    brand = "trailmix_outdoors"
    gear = ["Ridge 2 tent", "Summit pack", "trail runners", "down jacket", "rain shell", "camp stove"]
    posts = [
        "Which trail should we review next? Reply with your favourite and why.",
        "You asked for lighter tents, so we tested five. Here's what we learned about the {g}: https://trailmix.example/blog/{n}",
        "Tip: re-proof your {g} before autumn. A ten-minute job that keeps you dry all season.",
        "What's the one thing you never hike without? We'll share the best answers on Friday.",
        "Your photos from the weekend are stunning. Keep tagging us so we can share them!",
        "How do you pack your {g} for a multi-day trip? Tell us your tricks.",
        "Blister prevention 101: socks, lacing, and when to stop. Your feet will thank you.",
        "You told us the {g} zips were stiff. We changed the supplier; thanks for the honest feedback.",
        "Trail report: the north loop is muddy after the rain, so take poles if you go this week.",
        "Which do you prefer for day hikes, a waist pack or a small backpack? Vote in the replies!",
        "Meet Ana from our repair bench: she fixed 40 zips last month so you didn't have to buy new gear.",
    ]
    promos = [
        "Our autumn sale starts Friday: 20% off the {g}. Shop now: https://trailmix.example/sale",
        "Free repairs for life on every {g} bought this month.",
    ]
    complaints = [
        "@trailmix_outdoors the buckle on my {g} snapped on the first trip",
        "@trailmix_outdoors my order hasn't arrived yet, it's been 9 days",
        "@trailmix_outdoors the {g} is leaking at the seams, disappointed",
        "@trailmix_outdoors I was charged twice for my {g}",
        "@trailmix_outdoors the zip on my {g} broke after a week",
        "@trailmix_outdoors wrong size sent and the returns page gives an error",
    ]
    questions = [
        "@trailmix_outdoors is the {g} warm enough for -5°C?",
        "@trailmix_outdoors do you repair gear bought elsewhere?",
        "@trailmix_outdoors when does the {g} come back in stock?",
        "@trailmix_outdoors which size {g} for someone 180 cm?",
        "@trailmix_outdoors can I wash the {g} in a machine?",
    ]
    praise = [
        "@trailmix_outdoors thank you for the fast repair, the {g} is like new",
        "@trailmix_outdoors love the {g}, kept me dry all weekend 👍",
        "@trailmix_outdoors great advice in the shop today, thanks Ana!",
    ]
    answers = {
        "complaint": [
            "@{u} That shouldn't happen, {name}. I've sent a replacement {g} today; tracking is in your DMs.",
            "@{u} Sorry, {name}, that's on us. Refund issued just now, it should show within 3 days.",
            "@{u} Thanks for telling us, {name}. Could you send a photo? We'll fix or replace the {g}, your choice.",
            "@{u} I checked your order, {name}: it left the depot this morning and arrives tomorrow. Ping me if not!",
            "@{u} Ouch. {name}, bring the {g} to any store and we'll repair it on the spot, free.",
        ],
        "question": [
            "@{u} Good question, {name}! Yes, rated to -8°C; add a liner below that.",
            "@{u} We do, {name}: any brand, any age. Drop it at the repair bench.",
            "@{u} Next Thursday, {name}. Want me to set a reminder for you?",
            "@{u} For 180 cm we'd suggest a medium, {name}; try both in store if you can.",
            "@{u} Cold wash, gentle cycle, no softener, {name}. Tumble low with tennis balls to fluff it.",
        ],
        "praise": [
            "@{u} That made our day, {name}! Enjoy the trails.",
            "@{u} Thank you, {name}! Ana says hi.",
            "@{u} So glad it held up, {name}. Where did you go?",
        ],
        "chatter": [
            "@{u} Ha, {name}, we love that spot too.",
            "@{u} Great shot, {name}! Mind if we share it?",
        ],
    }
    chatter = [
        "@trailmix_outdoors summit selfie from Saturday!",
        "@trailmix_outdoors the north loop is gorgeous in fog",
    ]

    def fill(template: str, **extra: str) -> str:
        return template.format(g=rng.choice(gear), n=rng.randint(10, 99), **extra)

    originals: list[dict] = []
    day = feed.start
    for i in range(46):
        when = day + timedelta(hours=rng.randint(0, 9), minutes=rng.randint(0, 59))
        day += timedelta(hours=rng.choice([26, 30, 32]))
        template = rng.choice(promos) if i % 8 == 3 else rng.choice(posts)
        originals.append(feed.add(brand, when, fill(template), rng=rng))
    for post in (originals[4], originals[20]):
        feed.add(
            brand, _after(post, 10), "Part 2: and remember to leave the trail as you found it.", reply_to=post, rng=rng
        )
    for i in range(5):
        fan = rng.choice(CUSTOMERS)
        feed.add(
            brand,
            _after(originals[i * 8 + 2], 120),
            f"RT @{fan}: sunrise from the ridge with my {rng.choice(gear)}",
            repost=True,
            rng=rng,
        )

    kinds = ["complaint"] * 20 + ["question"] * 20 + ["praise"] * 15 + ["chatter"] * 8
    rng.shuffle(kinds)
    texts = {"complaint": complaints, "question": questions, "praise": praise, "chatter": chatter}
    used: set[str] = set()
    for n, kind in enumerate(kinds):
        who = CUSTOMERS[n % 45]
        post = rng.choice(originals[:44])
        message = feed.add(
            who,
            _after(post, rng.randint(15, 1500)),
            fill(rng.choice(texts[kind])),
            reply_to=post if rng.random() < 0.5 else None,
            rng=rng,
        )
        if n in (11, 29, 47):  # never answered
            continue
        delay = rng.choice([6, 9, 12, 18, 22, 27, 35, 44]) if n % 9 else rng.choice([130, 200, 290])
        template = _fresh(rng, answers[kind], used)
        name = who.split("_")[0].split(".")[0].capitalize()
        answer = feed.add(brand, _after(message, delay), fill(template, u=who, name=name), reply_to=message, rng=rng)
        if n in (3, 17, 33):  # a follow-up and a second answer: customer -> brand -> customer -> brand
            follow = feed.add(
                who,
                _after(answer, 25),
                f"@trailmix_outdoors thanks! {pick(rng, 'Got it.', 'Will do.')} "
                "One more thing: is the warranty two years?",
                reply_to=answer,
                rng=rng,
            )
            feed.add(
                brand,
                _after(follow, 14),
                f"@{who} Yes, {name}, two years, and repairs are free for life after that.",
                reply_to=follow,
                rng=rng,
            )
    # Clock skew: this reply's timestamp is two minutes before the question it answers, so it must not count.
    skewed = feed.add(
        "ruth_b", _after(originals[30], 200), "@trailmix_outdoors do the trail runners come in wide fit?", rng=rng
    )
    feed.add(
        brand,
        _after(skewed, -2),
        "@ruth_b They do, Ruth: the wide fit is in store and online.",
        reply_to=skewed,
        rng=rng,
    )
    last = max(r["created_at"] for r in feed.rows)
    end = datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    for hours, text in (
        (6, "@trailmix_outdoors my stove won't light, any idea?"),
        (2, "@trailmix_outdoors love the new shop window!"),
    ):
        feed.add(rng.choice(CUSTOMERS), end - timedelta(hours=hours), text, rng=rng)  # pending at the export's end
    return feed


def _after(row: dict, minutes: float) -> datetime:
    start = datetime.strptime(row["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return start + timedelta(minutes=minutes)


def _fresh(rng: random.Random, options: list[str], used: set[str]) -> str:
    """A reply template, preferring one not yet used so replies stay personal."""
    unused = [o for o in options if o not in used]
    choice = rng.choice(unused or options)
    used.add(choice)
    return choice


if __name__ == "__main__":
    broadcast(random.Random(2026)).write("broadcast-brand.jsonl")
    responsive(random.Random(1848)).write("responsive-brand.jsonl")
