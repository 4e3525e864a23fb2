"""Peak resident memory of one trigger event (direct or Kinesis) through the parser's `handle`, measured
in a fresh interpreter so that nothing the calling bench allocated counts. Shared by the bench scripts."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

_SCRIPT = """
import json, sys
def rss_mb():
    # VmHWM (peak resident set) of this process image; ru_maxrss would carry the parent's peak across exec
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
from functions.parser.wiring import handle
from functions.parser.ingest import Ingestor
class Discard:
    def put(self, key, body, content_type=""):
        pass
baseline = rss_mb()
with open(sys.argv[1], encoding="utf-8") as source:
    event = json.load(source)
summary, _ = handle(event, Ingestor(store=Discard(), prefix="", region="bench", clock=lambda: 0))
print(json.dumps({"events": summary.events_in, "baseline_mb": baseline, "peak_mb": rss_mb()}))
"""


def handler_peak(event: dict[str, Any]) -> dict[str, float]:
    """`events` handled, `baseline_mb` (after imports) and `peak_mb` (VmHWM) of one fresh interpreter."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(event, file)
    try:
        out = subprocess.check_output([sys.executable, "-c", _SCRIPT, file.name], cwd=REPO, text=True)
    finally:
        Path(file.name).unlink()
    figures: dict[str, float] = json.loads(out)
    return figures
