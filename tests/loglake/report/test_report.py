"""`loglake report` on a synthetic day: one self-contained HTML file whose charts render in headless Chromium."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loglake.cli import main
from loglake.synth import FUNCTIONS
from tests.browser import ensure_chromium, png_colors, run_chromium
from tests.synthetic_world import World, build_world

P95_BLUE, ERROR_RED, OK_GREEN = (0x42, 0x92, 0xC6), (0xE1, 0x57, 0x59), (0x59, 0xA1, 0x4F)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    return build_world(tmp_path_factory.mktemp("report-lake"))


@pytest.fixture(scope="module")
def report(world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", "--lake", str(world.lake), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def chromium() -> Path:
    return ensure_chromium()


def test_the_report_is_one_file_that_fetches_nothing(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    assert not re.search(r"\b(?:src|href)\s*=", html, flags=re.IGNORECASE)
    assert not re.search(r"url\(|@import", html)
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) <= {"http://www.w3.org/2000/svg"}  # a namespace, not a fetch
    assert "default-src 'none'" in html  # and the browser is told to fetch nothing either


def test_the_report_has_every_chart_and_the_true_totals(world: World, report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    for spec in FUNCTIONS:
        assert f"{spec.name}: duration p50 / p95 / p99" in html
        assert (f"{spec.name}: before / after deploy" in html) == (len(spec.versions) > 1)
    for title in ("Errors and timeouts", "Cold-start rate", "Memory utilization", "API status classes", "API latency"):
        assert f"<h3>{title}</h3>" in html
    invocations, requests = world.dataset.invocations, world.dataset.requests
    assert f"<b>{len(invocations):,}</b><span>invocations</span>" in html
    assert f"<b>{len(requests):,}</b><span>API requests</span>" in html
    failed = sum(i.status != "success" for i in invocations)
    assert f"<b>{100 * failed / len(invocations):.2f} %</b><span>failed</span>" in html


def test_every_chart_renders_in_a_real_browser(report: Path, chromium: Path, tmp_path: Path) -> None:
    # Given the report opened in headless Chromium, its script run
    done = run_chromium(chromium, tmp_path / "profile", "--dump-dom", report.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    # Then every chart was laid out with a non-empty box and has marks drawn
    charts = report.read_text(encoding="utf-8").count('<svg class="chart"')
    body = re.search(r'<body data-charts="(\d+)" data-rendered="(\d+)"', dom)
    assert body is not None, "the page script ran"
    assert (int(body.group(1)), int(body.group(2))) == (charts, charts)
    drawn = [int(n) for n in re.findall(r'data-drawn="(\d+)"', dom)]
    assert len(drawn) == charts >= 10 and min(drawn) > 0


def test_a_screenshot_shows_the_charts(report: Path, chromium: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    done = run_chromium(
        chromium, tmp_path / "profile", "--window-size=1280,1800", f"--screenshot={shot}", report.as_uri()
    )
    assert done.returncode == 0 and shot.exists(), done.stderr[-2000:]
    colors = png_colors(shot.read_bytes())
    total = sum(colors.values())
    assert colors.most_common(1)[0][1] < 0.8 * total, "not a blank page"
    assert len(colors) > 100
    # the p95 lines, the error bars and the 2xx bars are painted
    assert min(colors[P95_BLUE], colors[ERROR_RED], colors[OK_GREEN]) > 200
