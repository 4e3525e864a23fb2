"""Compactor memory: peak RSS of one compaction run over a generated hour of a given size (default 1 GiB).
Prints figures; asserts nothing.

    .venv/bin/python bench/compact_memory.py [--gib 1.0] [--object-mb 2] [--budget-mb 32] [--before-mib 0]

The hour is made of Parquet objects like the parser's (the synthetic scenario through the real parser,
replayed with fresh event ids and times spread over the hour; 2 % of the rows are delivered twice, cut
differently, so the merge drops copies too). The compaction runs in a fresh process — the real
`Compactor` over a lake folder: list, read, merge, write, commit, delete — and its peak RSS is that
process's high-water mark (VmHWM), imports included. `--before-mib N` also runs the merge this change
replaced (everything in memory, from git history) over an N MiB hour, for comparison.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from functions.parser.decode import decode_awslogs  # noqa: E402
from functions.parser.normalize import BatchContext, normalize  # noqa: E402
from functions.sinks.keys import HOUR_MS  # noqa: E402
from functions.sinks.s3_parquet import encode_parquet  # noqa: E402
from loglake.synth import generate  # noqa: E402

START_MS = 1_795_737_600_000  # 2026-11-27T00:00Z
MIB = 1024 * 1024
OLD_MERGE = "a4181e9"  # the last commit with the in-memory merge

CHILD = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from functions.compactor.compact import CompactionConfig, Compactor
from functions.compactor.store import LocalLakeStore
from functions.sinks.keys import HOUR_MS, Partition
lake, budget, workdir = Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
config = CompactionConfig(grace_ms=0, budget_bytes=budget, workdir=workdir, max_input_bytes=1 << 40)
started = time.perf_counter()
summary = Compactor(LocalLakeStore(lake), "", config, clock=lambda: 1_795_737_600_000 + 3 * HOUR_MS).run(
    [Partition("2026-11-27", 0)]
)
seconds = time.perf_counter() - started
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "rows": summary.rows, "dropped": summary.duplicates,
                  "files_in": summary.files_in, "files_out": summary.files_out, "failed": summary.failed,
                  "committed": summary.committed, "peak_rss_mb": hwm / 1024}))
"""

BEFORE = """
import io, json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
namespace = {"__name__": "old_merge"}
exec(compile(Path(sys.argv[2]).read_text(), "old_merge.py", "exec"), namespace)
bodies = [p.read_bytes() for p in sorted(Path(sys.argv[3]).glob("*.parquet"))]
started = time.perf_counter()
outputs, rows = namespace["merge"](bodies, 128 * 1024 * 1024)
seconds = time.perf_counter() - started
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "rows": rows, "peak_rss_mb": hwm / 1024}))
"""


def template() -> pa.Table:
    """One generated hour through the real parser: the rows every object is cut from."""
    dataset = generate(seed=3, start_ms=START_MS, hours=1, invocations_per_hour=3000, max_events_per_delivery=500)
    tables = []
    for delivery in dataset.deliveries:
        batch = decode_awslogs(delivery)
        if batch is not None:
            tables.append(normalize(batch, BatchContext(region="eu-west-1", ingest_time_ms=START_MS)).table)
    return pa.concat_tables(tables, promote_options="default").combine_chunks()


def fresh(rows: pa.Table, round_: int, rng: random.Random) -> pa.Table:
    """The rows under new event ids, at times shifted within the hour."""
    ids = pc.binary_join_element_wise(pa.scalar(f"{round_:06d}"), rows["event_id"], "")
    shift = rng.randrange(0, 600_000)
    times = pc.add(rows["event_time"].cast(pa.int64()), shift)
    times = pc.min_element_wise(times, START_MS + HOUR_MS - 1).cast(pa.timestamp("ms"))
    rows = rows.set_column(rows.schema.get_field_index("event_id"), "event_id", ids)
    return rows.set_column(rows.schema.get_field_index("event_time"), "event_time", times)


def build_hour(folder: Path, target_bytes: int, object_bytes: int) -> tuple[int, int, int]:
    """Objects of about `object_bytes` until `target_bytes`; returns (objects, rows, distinct ids written)."""
    rows = template()
    per_object = max(100, int(rows.num_rows * object_bytes / len(encode_parquet(rows))))
    rng = random.Random(7)
    total = written = count = distinct = 0
    round_ = 0
    while total < target_bytes:
        round_ += 1
        table = fresh(rows, round_, rng)
        for start in range(0, table.num_rows, per_object):
            part = table.slice(start, per_object)
            body = encode_parquet(part)
            (folder / f"{round_:06d}{start:09d}.parquet").write_bytes(body)
            total, written, count = total + len(body), written + part.num_rows, count + 1
            distinct += part.num_rows
            if rng.random() < 0.02:  # redelivered, cut differently: the same events again in a new object
                again = encode_parquet(part.slice(part.num_rows // 3))
                (folder / f"{round_:06d}{start:09d}r.parquet").write_bytes(again)
                total, written, count = total + len(again), written + part.num_rows - part.num_rows // 3, count + 1
            if total >= target_bytes:
                break
    return count, written, distinct


def run(args: list[str]) -> dict[str, float]:
    answer = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(answer.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gib", type=float, default=1.0, help="size of the hour's objects (default 1 GiB)")
    parser.add_argument("--object-mb", type=float, default=2.0, help="size of one input object (default 2 MB)")
    parser.add_argument("--budget-mb", type=int, default=32, help="the merge's memory budget (default 32)")
    parser.add_argument("--before-mib", type=int, default=0, help="also run the old in-memory merge on N MiB")
    parser.add_argument(
        "--dir",
        type=Path,
        default=None,
        help="work here and keep the generated hour for the next run (default: a temporary folder)",
    )
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="compact-bench-"))
    source = root / "source"  # the generated hour, kept when --dir is given: later runs reuse it
    if not source.is_dir():
        started = time.perf_counter()
        (root / "building").mkdir(parents=True, exist_ok=True)
        build_hour(root / "building", int(args.gib * 1024 * MIB), int(args.object_mb * 1e6))
        (root / "building").rename(source)
        print(f"built the hour in {time.perf_counter() - started:.0f} s")
    hour = root / "lake" / "events" / "dt=2026-11-27" / "hour=00"
    shutil.rmtree(root / "lake", ignore_errors=True)
    shutil.copytree(source, hour)
    objects = len(list(hour.iterdir()))
    rows = sum(pq.read_metadata(p).num_rows for p in hour.iterdir())
    size = sum(p.stat().st_size for p in hour.iterdir())
    print(f"## compact_memory: one hour of {size / MIB:,.0f} MiB in {objects:,} objects, {rows:,} rows")
    if args.before_mib:
        small = root / "small"
        shutil.rmtree(small, ignore_errors=True)
        small.mkdir()
        build_hour(small, args.before_mib * MIB, int(args.object_mb * 1e6))
        old = root / "old_merge.py"
        old.write_text(
            subprocess.run(
                ["git", "-C", str(REPO), "show", f"{OLD_MERGE}:functions/compactor/merge.py"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        before = run([BEFORE, str(REPO), str(old), str(small)])
        print(
            f"before (in-memory merge, {OLD_MERGE}) on {args.before_mib} MiB: "
            f"peak RSS {before['peak_rss_mb']:,.0f} MB, {before['seconds']:.0f} s, {int(before['rows']):,} rows"
        )
    shutil.rmtree(root / "spill", ignore_errors=True)
    (root / "spill").mkdir()
    after = run([CHILD, str(REPO), str(root / "lake"), str(args.budget_mb * MIB), str(root / "spill")])
    print(
        f"after (streaming merge, budget {args.budget_mb} MiB) on {size / MIB:,.0f} MiB: "
        f"peak RSS {after['peak_rss_mb']:,.0f} MB, {after['seconds']:.0f} s, {int(after['rows']):,} rows out "
        f"({int(after['dropped']):,} copies dropped), {int(after['files_in']):,} objects → {int(after['files_out'])}, "
        f"committed {int(after['committed'])}, failed {int(after['failed'])}"
    )
    out = [p.stat().st_size for p in hour.glob("c-*.parquet")]
    print(f"outputs: {len(out)} objects, {sum(out) / MIB:,.0f} MiB, largest {max(out, default=0) / MIB:,.0f} MiB")
    shutil.rmtree(root / "lake", ignore_errors=True)
    if args.dir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
