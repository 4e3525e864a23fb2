"""Sub-commands of the CLI: name → (module of loglake.commands, one line of help).

`loglake --help` lists them from this table alone; only the module of the command being run is
imported (each module's `register(parser)` adds its arguments and sets `run`), so a command pays for
its own imports only.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("ingest", "parse files of subscription events (direct or Kinesis) into a lake folder"),
    "sql": ("sql", "run an Athena (Trino) SQL query on the local lake (DuckDB) or on Athena"),
    "demo": ("demo", "generate a day of logs, ingest it, and answer the operators' questions"),
    "groups": ("groups", "apply retention rules and parser subscriptions to existing log groups"),
    "opensearch": ("opensearch", "a local OpenSearch node, index setup, Dashboards saved objects"),
    "replay-failed": ("replay_failed", "re-send the documents OpenSearch rejected (failed/opensearch/)"),
    "reindex": ("reindex", "rebuild the OpenSearch index from the Parquet lake"),
    "ask": ("ask", "answer a saved question (the Athena named queries) on the lake or Athena"),
    "report": ("report", "write an HTML report (charts, no network needed to view it)"),
    "athena": ("athena", "set up Athena for the lake"),
    "compact": ("compact", "merge the small Parquet objects of closed partitions of a lake folder"),
    "backfill": (
        "backfill",
        "bring existing CloudWatch Logs history into the lake (exactly once next to live delivery)",
    ),
    "filter": ("filter", "the events a CloudWatch Logs filter pattern matches"),
    "metric-filter": ("metric_filter", "the metric a CloudWatch metric filter would have produced"),
    "insights": ("insights", "run a CloudWatch Logs Insights query on the lake or Athena"),
    "trino": ("trino", "a local Trino node; the lake's tables and views on Trino"),
}
