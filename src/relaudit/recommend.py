"""Three to five concrete recommendations drawn from what was measured, weakest pillar first."""

from __future__ import annotations

from collections import Counter

from relaudit.analyse import Analysis
from relaudit.dates import isoformat
from relaudit.engine import Finding
from relaudit.grade import Grade
from relaudit.model import Message


def recommend(analysis: Analysis, grade: Grade, findings: list[Finding], oldest: list[Message]) -> list[str]:
    """Advice with the account's own numbers in it; at most five, at least three where there is anything to say."""
    m, c = analysis.metrics, analysis.counts
    fired = Counter(f.rule for f in findings)
    advice: list[tuple[float, str, str]] = []  # (priority, pillar, text)
    scores = {p.name: p.score if p.score is not None else 100.0 for p in grade.pillars}

    if c["unanswered_complaints"]:
        first = oldest[0]
        advice.append(
            (
                scores["responsiveness"] - 30,
                "responsiveness",
                (
                    f"Answer the {_plural(c['unanswered_complaints'], 'unanswered complaint')}, oldest first "
                    f"(@{first.author}, {isoformat(first.created_at)[:10]}, id {first.id})."
                ),
            )
        )
    if m["response_rate"] is not None and m["response_rate"] < 0.9:
        advice.append(
            (
                scores["responsiveness"],
                "responsiveness",
                (
                    f"Raise the response rate from {m['response_rate']:.0%} towards 90% (Facebook's 'very responsive' "
                    "mark): check mentions and replies at least twice a day."
                ),
            )
        )
    if m["median_response_minutes"] is not None and m["median_response_minutes"] > 60:
        advice.append(
            (
                scores["responsiveness"] + 5,
                "responsiveness",
                (
                    f"Cut the median first response from {_duration(m['median_response_minutes'])} to under 1 hour; "
                    "most people complaining on social media expect that."
                ),
            )
        )
    if m["reply_share"] is not None and m["reply_share"] < 0.2:
        advice.append(
            (
                scores["conversation"],
                "conversation",
                (
                    f"Only {m['reply_share']:.0%} of own posts are replies: for every few announcements, "
                    "answer or join a conversation (aim for 20-30%)."
                ),
            )
        )
    if m["question_share"] is not None and m["question_share"] < 0.1:
        advice.append(
            (
                scores["conversation"] + 5,
                "conversation",
                (f"Ask the audience something: {m['question_share']:.0%} of posts invite an answer today."),
            )
        )
    if m["promo_share"] is not None and m["promo_share"] > 0.2:
        advice.append(
            (
                scores["audience-value"],
                "audience-value",
                (
                    f"Cut promotion from {m['promo_share']:.0%} of posts to at most 20% (80/20 rule); "
                    "fill the space with help, tips and customers' stories."
                ),
            )
        )
    if m["self_focus"] is not None and m["self_focus"] > 0.5:
        advice.append(
            (
                scores["audience-value"] + 5,
                "audience-value",
                (f"{m['self_focus']:.0%} of self/audience references are 'we/our': write about 'you' first."),
            )
        )
    if fired["canned-replies"] or fired["empty-apology"]:
        advice.append(
            (
                scores["human-touch"],
                "human-touch",
                (
                    f"Replace pasted replies ({fired['canned-replies']} canned, "
                    f"{fired['empty-apology']} empty apologies) with personal answers that name the person and the fix."
                ),
            )
        )
    if fired["unanswered-question"]:
        advice.append(
            (
                scores["responsiveness"] + 10,
                "responsiveness",
                f"Answer the {_plural(fired['unanswered-question'], 'open question')}: "
                "each is a customer ready to buy or stay.",
            )
        )
    if fired["unanswered-praise"]:
        advice.append(
            (
                scores["human-touch"] + 20,
                "human-touch",
                f"Thank the {_plural(fired['unanswered-praise'], 'person', 'people')} "
                "who praised the account and heard nothing back.",
            )
        )
    advice.sort(key=lambda item: item[0])
    chosen: list[str] = []
    per_pillar: Counter[str] = Counter()
    for _, pillar, text in advice:  # weakest first, but at most two per pillar so advice covers the account
        if len(chosen) < 5 and per_pillar[pillar] < 2:
            chosen.append(text)
            per_pillar[pillar] += 1
    if len(chosen) < 3 and grade.score is not None:
        chosen.append("Keep doing what works: re-run this audit every month and compare the grade.")
    return chosen


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _duration(minutes: float) -> str:
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"
