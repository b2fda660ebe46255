"""Small inline-SVG charts (lines, bars, stacked bars) for the HTML report; every label is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 560
HEIGHT = 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 34, 34  # plot margins: axis labels left and below, legend above


@dataclass(frozen=True)
class Series:
    """One named line or bar layer: a value per category (None: no value), its colour and hover texts."""

    name: str
    values: Sequence[float | None]
    colour: str
    notes: Sequence[str] = ()  # a hover text per category (shown in the <title> of its point or bar)


@dataclass(frozen=True)
class Reference:
    """A dashed horizontal line, such as a benchmark."""

    value: float
    label: str
    colour: str


def e(value: object) -> str:
    """Text or attribute value, escaped (quotes included)."""
    return escape(str(value), quote=True)


def _open(chart_id: str, title: str, height: int = HEIGHT) -> list[str]:
    return [
        f'<svg id="{e(chart_id)}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
        f' width="{WIDTH}" height="{height}" role="img" aria-label="{e(title)}">',
        f"<title>{e(title)}</title>",
    ]


def _x_positions(count: int) -> list[float]:
    inner = WIDTH - LEFT - RIGHT
    step = inner / max(count, 1)  # no months at all (nothing own or inbound to chart) must not divide by zero
    return [LEFT + step * (i + 0.5) for i in range(count)]


def _x_labels(categories: Sequence[str], xs: list[float], height: int) -> list[str]:
    # Label at most about a dozen categories so month names never overlap; the rest stay in the hover texts.
    every = max(1, -(-len(categories) // 12))
    return [
        f'<text x="{x:.1f}" y="{height - BOTTOM + 16}" text-anchor="middle" class="axis">{e(label)}</text>'
        for i, (label, x) in enumerate(zip(categories, xs))
        if i % every == 0 or i == len(categories) - 1
    ]


def _y_grid(top: float, ticks: Sequence[tuple[float, str]], height: int) -> list[str]:
    """Horizontal grid lines for values from 0 to top, labelled on the left."""
    out = []
    for value, label in ticks:
        y = _y(value, top, height)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="axis">{e(label)}</text>')
    return out


def _y(value: float, top: float, height: int) -> float:
    inner = height - TOP - BOTTOM
    return height - BOTTOM - (value / top if top else 0) * inner


def _legend(items: Sequence[tuple[str, str, bool]]) -> list[str]:
    """Legend entries (name, colour, dashed) in one row above the plot."""
    out, x = [], LEFT
    for name, colour, dashed in items:
        if dashed:
            out.append(
                f'<line x1="{x}" x2="{x + 16}" y1="14" y2="14" stroke="{e(colour)}" stroke-width="2"'
                ' stroke-dasharray="4 3"/>'
            )
        else:
            out.append(f'<rect x="{x}" y="8" width="16" height="12" rx="2" fill="{e(colour)}"/>')
        out.append(f'<text x="{x + 21}" y="18" class="legend">{e(name)}</text>')
        x += 30 + 7 * len(name)
    return out


def line_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    references: Sequence[Reference] = (),
) -> str:
    """Lines of fractions (0-1) over categories, with gaps where a value is None and dashed reference lines."""
    out = _open(chart_id, title)
    out += _legend([(s.name, s.colour, False) for s in series] + [(r.label, r.colour, True) for r in references])
    out += _y_grid(1.0, [(t / 4, f"{t * 25}%") for t in range(5)], HEIGHT)
    xs = _x_positions(len(categories))
    for ref in references:
        y = _y(ref.value, 1.0, HEIGHT)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{e(ref.colour)}"'
            f' stroke-width="1.5" stroke-dasharray="5 4"><title>{e(ref.label)}</title></line>'
        )
    for s in series:
        segment: list[str] = []
        segments: list[list[str]] = []
        for x, value in zip(xs, s.values):
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append(f"{x:.1f},{_y(value, 1.0, HEIGHT):.1f}")
        if segment:
            segments.append(segment)
        out += [
            f'<polyline points="{" ".join(seg)}" fill="none" stroke="{e(s.colour)}" stroke-width="2.5"'
            ' stroke-linejoin="round"/>'
            for seg in segments
            if len(seg) > 1
        ]
        for i, (x, value) in enumerate(zip(xs, s.values)):
            if value is not None:
                note = s.notes[i] if i < len(s.notes) else f"{categories[i]}: {value:.0%}"
                out.append(
                    f'<circle cx="{x:.1f}" cy="{_y(value, 1.0, HEIGHT):.1f}" r="4" fill="{e(s.colour)}">'
                    f"<title>{e(note)}</title></circle>"
                )
    out += _x_labels(categories, xs, HEIGHT)
    out.append("</svg>")
    return "\n".join(out)


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    values: Sequence[int],
    colours: Sequence[str],
    empty_note: str = "",
) -> str:
    """Vertical bars of counts, one colour per bar, each labelled with its count; a note when all are zero."""
    out = _open(chart_id, title)
    if empty_note and not any(values):
        out.append(
            f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" text-anchor="middle" class="legend">{e(empty_note)}</text>'
        )
    top = _nice_top(max(values, default=0))
    out += _y_grid(top, [(top * t / 4, f"{top * t / 4:g}") for t in range(5)], HEIGHT)
    xs = _x_positions(len(categories))
    width = (WIDTH - LEFT - RIGHT) / max(len(categories), 1) * 0.62
    for x, label, value, colour in zip(xs, categories, values, colours):
        y = _y(value, top, HEIGHT)
        out.append(
            f'<rect x="{x - width / 2:.1f}" y="{y:.1f}" width="{width:.1f}" height="{HEIGHT - BOTTOM - y:.1f}"'
            f' fill="{e(colour)}" rx="2"><title>{e(label)}: {value}</title></rect>'
        )
        out.append(f'<text x="{x:.1f}" y="{y - 5:.1f}" text-anchor="middle" class="value">{value}</text>')
    out += _x_labels(categories, xs, HEIGHT)
    out.append("</svg>")
    return "\n".join(out)


def stacked_share_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    layers: Sequence[Series],
    references: Sequence[Reference] = (),
) -> str:
    """Vertical 100 % bars: each category's counts split into layers (bottom first); empty categories stay blank."""
    out = _open(chart_id, title)
    out += _legend([(s.name, s.colour, False) for s in layers] + [(r.label, r.colour, True) for r in references])
    out += _y_grid(1.0, [(t / 4, f"{t * 25}%") for t in range(5)], HEIGHT)
    xs = _x_positions(len(categories))
    width = (WIDTH - LEFT - RIGHT) / max(len(categories), 1) * 0.62
    for i, (x, label) in enumerate(zip(xs, categories)):
        total = sum(layer.values[i] or 0 for layer in layers)
        if not total:
            continue
        base = 0.0
        for layer in layers:
            count = layer.values[i] or 0
            share = count / total
            y_top, y_base = _y(base + share, 1.0, HEIGHT), _y(base, 1.0, HEIGHT)
            out.append(
                f'<rect x="{x - width / 2:.1f}" y="{y_top:.1f}" width="{width:.1f}" height="{y_base - y_top:.1f}"'
                f' fill="{e(layer.colour)}"><title>{e(label)}: {e(layer.name)} {count:g} of {total:g}'
                f" ({share:.0%})</title></rect>"
            )
            base += share
    for ref in references:
        y = _y(ref.value, 1.0, HEIGHT)
        out.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="{e(ref.colour)}"'
            f' stroke-width="1.5" stroke-dasharray="5 4"><title>{e(ref.label)}</title></line>'
        )
    out += _x_labels(categories, xs, HEIGHT)
    out.append("</svg>")
    return "\n".join(out)


def stacked_bars_horizontal(chart_id: str, title: str, categories: Sequence[str], layers: Sequence[Series]) -> str:
    """Horizontal bars of counts per category, split into layers left to right, the total at the end."""
    row = 34
    height = TOP + row * len(categories) + 12
    label_width = 120
    out = _open(chart_id, title, height)
    out += _legend([(s.name, s.colour, False) for s in layers])
    totals = [sum(layer.values[i] or 0 for layer in layers) for i in range(len(categories))]
    top = max(max(totals, default=0), 1)  # no grid here, so the longest bar may fill the row
    inner = WIDTH - label_width - RIGHT - 40
    for i, label in enumerate(categories):
        y = TOP + row * i + 6
        out.append(f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" class="axis">{e(label)}</text>')
        x = float(label_width)
        for layer in layers:
            count = layer.values[i] or 0
            if count:
                w = count / top * inner
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="20" fill="{e(layer.colour)}">'
                    f"<title>{e(label)}: {count:g} {e(layer.name)}</title></rect>"
                )
                x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="value">{totals[i]:g}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _nice_top(value: float) -> float:
    """An axis maximum at or above value whose quarters are round (4 ticks of 1, 2 or 5 times a power of ten)."""
    tick = 1.0
    while True:
        for step in (1, 2, 5):
            if 4 * step * tick >= value:
                return 4 * step * tick
        tick *= 10
