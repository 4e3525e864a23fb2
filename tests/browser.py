"""Headless Chromium for the report tests: installed from Debian's `chromium` package when missing.

`LOGLAKE_SKIP_BROWSER=1` skips the browser tests on a machine where Chromium cannot be installed;
otherwise a missing browser that cannot be installed fails the tests (they must not pass silently).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def install_command() -> list[list[str]]:
    env = ["env", "DEBIAN_FRONTEND=noninteractive"]
    return [[*env, "apt-get", "update", "-qq"], [*env, "apt-get", "install", "-y", "-qq", "chromium"]]


def ensure_chromium() -> Path:
    if os.environ.get("LOGLAKE_SKIP_BROWSER") == "1":
        pytest.skip("LOGLAKE_SKIP_BROWSER=1")
    if CHROMIUM.exists():
        return CHROMIUM
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.fail("the report tests need Chromium: run `apt-get install -y chromium` as root (Debian)")
    for command in install_command():
        done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed: {done.stderr[-2000:]}")
    assert CHROMIUM.exists(), "apt-get installed chromium but /usr/bin/chromium is missing"
    return CHROMIUM


def run_chromium(binary: Path, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [str(binary), *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def png_colors(data: bytes) -> Counter[tuple[int, int, int]]:
    """How many pixels of each RGB colour an 8-bit, non-interlaced RGB(A) PNG has (filters undone)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IHDR":
            header = data[pos + 8 : pos + 8 + length]
        elif kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    width, height, depth, color = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and color in (2, 6), "an 8-bit RGB or RGBA screenshot"
    step, raw = (3 if color == 2 else 4), zlib.decompress(idat)
    stride, previous = width * step, bytes(width * step)
    colors: Counter[tuple[int, int, int]] = Counter()
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left, corner = (line[i - step], previous[i - step]) if i >= step else (0, 0)
            line[i] = (line[i] + _predict(kind, left, previous[i], corner)) & 0xFF
        colors.update(zip(line[0::step], line[1::step], line[2::step], strict=True))
        previous = bytes(line)
    return colors


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 0:
        return 0
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    p = left + up - corner
    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
    return left if pa <= pb and pa <= pc else up if pb <= pc else corner
