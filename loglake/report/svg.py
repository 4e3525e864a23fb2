"""Inline SVG charts, drawn here in Python: no library, no network when the page is opened.

Every chart is an `<svg class="chart">` whose data marks carry `class="mark"` and a `<title>` (the
browser's tooltip); legends carry `data-series` so the page script can toggle a series.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 560, 230
LEFT, RIGHT, TOP, BOTTOM = 58, 14, 30, 26
Number = float | int


@dataclass(frozen=True)
class Series:
    name: str
    color: str
    values: Sequence[Number | None]  # one per x position


def fmt(value: float) -> str:
    """Compact axis / tooltip number: 0.5, 12, 1.2k, 3.4M."""
    magnitude = abs(value)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if magnitude >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}" if magnitude else "0"


def nice_ticks(high: float, count: int = 4) -> list[float]:
    """0 … a round number ≥ `high`, in `count`-ish round steps."""
    if high <= 0:
        return [0.0, 1.0]
    raw = high / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return [i * step for i in range(math.ceil(high / step - 1e-9) + 1)]


def _plot_box(width: int, height: int) -> tuple[float, float, float, float]:
    return LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM


def _frame(title: str, width: int, height: int, body: list[str], legend: list[Series]) -> str:
    marks = sum(part.count('class="mark') for part in body)
    items = []
    x = LEFT
    for series in legend:
        label = escape(series.name)
        items.append(
            f'<g class="legend" data-series="{label}" transform="translate({x:.0f},8)">'
            f'<rect width="10" height="10" rx="2" fill="{series.color}"/>'
            f'<text x="14" y="9">{label}</text></g>'
        )
        x += 22 + 7 * len(series.name)
    head = (
        f'<svg class="chart" data-marks="{marks}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
    )
    return head + "".join(items) + "".join(body) + "</svg>"


def _y_axis(ticks: list[float], y: Callable[[float], float], width: int, unit: str) -> list[str]:
    out = []
    for tick in ticks:
        pos = y(tick)
        out.append(f'<line class="grid" x1="{LEFT}" x2="{width - RIGHT}" y1="{pos:.1f}" y2="{pos:.1f}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{pos + 4:.1f}" text-anchor="end">{fmt(tick)}{unit}</text>')
    return out


def _time_labels(times: Sequence[dt.datetime], x: Callable[[int], float], base: float) -> list[str]:
    """Labels on round hours (every 1, 2, 3, 6, 12 h or whole days): at most about 8 of them."""
    if not times:
        return []
    midnight = times[0].replace(hour=0, minute=0, second=0, microsecond=0)
    span_h = (times[-1] - times[0]).total_seconds() / 3600
    step = next((s for s in (1, 2, 3, 6, 12, 24, 48, 168) if span_h / s <= 8), 336)
    out = []
    for i, t in enumerate(times):
        seconds = (t - midnight).total_seconds()
        if seconds % (step * 3600):
            continue
        label = t.strftime("%m-%d") if t.hour == 0 and t.minute == 0 else t.strftime("%H:%M")
        out.append(f'<text class="tick" x="{x(i):.1f}" y="{base + 16:.1f}" text-anchor="middle">{label}</text>')
    return out


def empty_chart(title: str, message: str = "no data in this period") -> str:
    body = [f'<text class="empty" x="{WIDTH / 2}" y="{HEIGHT / 2}" text-anchor="middle">{escape(message)}</text>']
    return _frame(title, WIDTH, HEIGHT, body, [])


def log_ticks(low: float, high: float) -> list[float]:
    """1-2-5 steps from the power of ten at or below `low` to the one at or above `high`."""
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    if last == first:
        last += 1
    ticks = [m * 10.0**e for e in range(first, last) for m in (1, 2, 5)] + [10.0**last]
    bottom = max(t for t in ticks if t <= low * (1 + 1e-9))
    top = min(t for t in ticks if t >= high * (1 - 1e-9) and t > bottom)
    ticks = [t for t in ticks if bottom <= t <= top]
    if len(ticks) > 7:  # a wide range: powers of ten (and the ends)
        ticks = [t for t in ticks if math.log10(t).is_integer() or t in (bottom, top)]
    return ticks


def _fraction(ticks: list[float], log: bool) -> Callable[[float], float]:
    """Where a value sits between the first and the last tick, 0..1."""
    if log:
        low, high = math.log10(ticks[0]), math.log10(ticks[-1])
        return lambda v: (math.log10(max(v, ticks[0])) - low) / (high - low)
    return lambda v: v / ticks[-1]


def line_chart(
    title: str, times: Sequence[dt.datetime], series: list[Series], *, unit: str = "", log: bool = False
) -> str:
    """Lines over time (one point per entry of `times`); gaps where a value is None. `log`: log10 y axis."""
    values = [v for s in series for v in s.values if v is not None and (v > 0 or not log)]
    if not times or not values:
        return empty_chart(title)
    left, top, plot_w, plot_h = _plot_box(WIDTH, HEIGHT)
    ticks = log_ticks(min(values), max(values)) if log else nice_ticks(max(values))
    fraction = _fraction(ticks, log)
    x_step = plot_w / max(1, len(times) - 1)

    def x(i: int) -> float:
        return left + i * x_step

    def y(v: float) -> float:
        return top + plot_h - plot_h * fraction(v)

    body = _y_axis(ticks, y, WIDTH, unit) + _time_labels(times, x, top + plot_h)
    for s in series:
        path, dots, pen_down = [], [], False
        for i, v in enumerate(s.values):
            if v is None or (log and v <= 0):
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x(i):.1f},{y(v):.1f}")
            pen_down = True
            tip = escape(f"{s.name} {times[i]:%m-%d %H:%M}: {fmt(v)}{unit}")
            dots.append(
                f'<circle class="mark" cx="{x(i):.1f}" cy="{y(v):.1f}" r="2.2" fill="{s.color}">'
                f"<title>{tip}</title></circle>"
            )
        body.append(
            f'<g data-series="{escape(s.name)}"><path class="line" d="{" ".join(path)}" stroke="{s.color}"/>'
            f"{''.join(dots)}</g>"
        )
    return _frame(title, WIDTH, HEIGHT, body, series)


def stacked_bars(title: str, times: Sequence[dt.datetime], series: list[Series], *, unit: str = "") -> str:
    """Bars over time, the series stacked bottom-up in their order."""
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(times))]
    if not times or not any(totals):
        return empty_chart(title)
    left, top, plot_w, plot_h = _plot_box(WIDTH, HEIGHT)
    ticks = nice_ticks(max(totals))
    slot = plot_w / len(times)

    def x(i: int) -> float:
        return left + (i + 0.5) * slot

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ticks[-1]

    body = _y_axis(ticks, y, WIDTH, unit) + _time_labels(times, x, top + plot_h)
    base = [0.0] * len(times)
    for s in series:
        bars = []
        for i, v in enumerate(s.values):
            if not v:
                continue
            y0, y1 = y(base[i]), y(base[i] + v)
            tip = escape(f"{s.name} {times[i]:%m-%d %H:%M}: {fmt(v)}{unit}")
            bars.append(
                f'<rect class="mark" x="{x(i) - slot * 0.4:.1f}" y="{y1:.1f}" width="{slot * 0.8:.1f}" '
                f'height="{max(0.5, y0 - y1):.1f}" fill="{s.color}"><title>{tip}</title></rect>'
            )
            base[i] += v
        body.append(f'<g data-series="{escape(s.name)}">{"".join(bars)}</g>')
    return _frame(title, WIDTH, HEIGHT, body, series)


def grouped_bars(title: str, groups: Sequence[str], series: list[Series], *, unit: str = "") -> str:
    """Side-by-side bars per group (e.g. per version), with each bar's value above it."""
    values = [v for s in series for v in s.values if v is not None]
    if not groups or not values:
        return empty_chart(title)
    left, top, plot_w, plot_h = _plot_box(WIDTH, HEIGHT)
    ticks = nice_ticks(max(values))
    slot = plot_w / len(groups)
    bar = slot * 0.7 / len(series)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / ticks[-1]

    body = _y_axis(ticks, y, WIDTH, unit)
    for g, group in enumerate(groups):
        cx = left + (g + 0.5) * slot
        body.append(
            f'<text class="tick" x="{cx:.1f}" y="{top + plot_h + 16:.1f}" text-anchor="middle">{escape(group)}</text>'
        )
    for k, s in enumerate(series):
        bars = []
        for g, v in enumerate(s.values):
            if v is None:
                continue
            bx = left + g * slot + slot * 0.15 + k * bar
            tip = escape(f"{groups[g]} {s.name}: {fmt(v)}{unit}")
            bars.append(
                f'<rect class="mark" x="{bx:.1f}" y="{y(v):.1f}" width="{bar * 0.92:.1f}" height="{y(0) - y(v):.1f}" '
                f'fill="{s.color}"><title>{tip}</title></rect>'
                f'<text class="value" x="{bx + bar * 0.46:.1f}" y="{y(v) - 4:.1f}" text-anchor="middle">{fmt(v)}</text>'
            )
        body.append(f'<g data-series="{escape(s.name)}">{"".join(bars)}</g>')
    return _frame(title, WIDTH, HEIGHT, body, series)


@dataclass(frozen=True)
class MemoryRow:
    """One function's memory: configured size, usage and the suggested size (MB)."""

    name: str
    size: float
    average: float
    p99: float
    peak: float
    suggested: float


MEMORY_COLORS = {"configured": "#d9dee7", "average used": "#76b7b2", "p99 used": "#4e79a7", "peak used": "#e15759"}


def _memory_row(r: MemoryRow, y: float, left: float, x: Callable[[float], float]) -> list[str]:
    name, pct = escape(r.name), 100 * r.peak / r.size if r.size else 0
    out = [
        f'<text class="tick" x="{left - 8}" y="{y + 17}" text-anchor="end">{name}</text>',
        f'<rect class="mark" x="{left}" y="{y + 4}" width="{x(r.size) - left:.1f}" height="18" '
        f'fill="{MEMORY_COLORS["configured"]}"><title>{name}: {fmt(r.size)} MB configured</title></rect>',
    ]
    for label, value, inset in (("average used", r.average, 8), ("p99 used", r.p99, 11)):
        out.append(
            f'<g data-series="{label}"><rect class="mark" x="{left}" y="{y + inset - 2}" '
            f'width="{x(value) - left:.1f}" height="{26 - 2 * inset}" fill="{MEMORY_COLORS[label]}">'
            f"<title>{name}: {label} {fmt(value)} MB</title></rect></g>"
        )
    out.append(
        f'<g data-series="peak used"><line class="mark" x1="{x(r.peak):.1f}" x2="{x(r.peak):.1f}" y1="{y + 1}" '
        f'y2="{y + 25}" stroke="{MEMORY_COLORS["peak used"]}" stroke-width="2.5">'
        f"<title>{name}: peak {fmt(r.peak)} MB ({pct:.0f} % of {fmt(r.size)} MB)</title></line></g>"
    )
    out.append(
        f'<g data-series="suggested"><line class="mark suggested" x1="{x(r.suggested):.1f}" '
        f'x2="{x(r.suggested):.1f}" y1="{y}" y2="{y + 26}"><title>{name}: suggested {fmt(r.suggested)} MB'
        f'</title></line></g><text class="value" x="{x(max(r.size, r.suggested)) + 6:.1f}" y="{y + 17}">'
        f"{pct:.0f} % peak</text>"
    )
    return out


def memory_chart(title: str, rows: list[MemoryRow]) -> str:
    """Per function: the configured memory as a track, average and p99 used as bars, peak and suggested as ticks."""
    if not rows:
        return empty_chart(title)
    row_h, width, left = 34, 2 * WIDTH, 170
    plot_w = width - left - RIGHT - 90
    top_value = max(max(r.size, r.suggested) for r in rows)

    def x(v: float) -> float:
        return left + plot_w * v / top_value

    body = [part for i, r in enumerate(rows) for part in _memory_row(r, TOP + i * row_h, left, x)]
    legend = [Series(name, color, []) for name, color in MEMORY_COLORS.items()]
    legend.append(Series("suggested", "#222", []))
    return _frame(title, width, TOP + 10 + row_h * len(rows), body, legend)
