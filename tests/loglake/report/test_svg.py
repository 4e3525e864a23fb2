"""The SVG primitives of the report: axes, gaps, stacks, empty data, escaping."""

from __future__ import annotations

import datetime as dt

from loglake.report import svg

HOURS = [dt.datetime(2026, 11, 27, h) for h in range(6)]


def test_axis_ticks_are_round_and_cover_the_data() -> None:
    assert svg.nice_ticks(870) == [0, 250, 500, 750, 1000]
    assert svg.nice_ticks(0) == [0.0, 1.0]
    assert svg.log_ticks(80, 2500) == [50, 100, 200, 500, 1000, 2000, 5000]
    assert svg.log_ticks(100, 100) == [100, 200]


def test_a_line_breaks_where_a_value_is_missing_and_every_point_is_a_mark() -> None:
    chart = svg.line_chart("d", HOURS, [svg.Series("p95", "#000", [1, 2, None, 4, 5, 6])], unit=" ms")
    path = chart.split('d="')[1].split('"')[0]
    assert path.count("M") == 2 and path.count("L") == 3
    assert 'data-marks="5"' in chart and "p95 11-27 01:00: 2 ms" in chart


def test_stacked_bars_draw_one_mark_per_non_zero_value() -> None:
    series = [
        svg.Series("errors", "#e15759", [1, 0, 2, 0, 0, 1]),
        svg.Series("timeouts", "#f28e2b", [0, 0, 1, 0, 0, 0]),
    ]
    chart = svg.stacked_bars("f", HOURS, series)
    assert 'data-marks="4"' in chart and chart.count('data-series="errors"') == 2  # legend + bars


def test_no_data_says_so_instead_of_drawing_an_empty_frame() -> None:
    assert "no data in this period" in svg.line_chart("x", HOURS, [svg.Series("p50", "#000", [None] * 6)])
    assert "no data in this period" in svg.stacked_bars("x", [], [])


def test_names_are_escaped() -> None:
    chart = svg.grouped_bars("v", ["v<1>"], [svg.Series("a&b", "#000", [3])])
    assert "v&lt;1&gt;" in chart and "a&amp;b" in chart and "<1>" not in chart
