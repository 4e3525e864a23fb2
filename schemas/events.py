"""THE schema of the `events` table: every column of loglake is named here and nowhere else.

One row is one CloudWatch Logs event. Platform lines (START/END/REPORT...), application lines and
API Gateway lines all land in this one table; `record_type` says which kind a row is.
"""

from __future__ import annotations

from schemas.columns import Column, Kind, Partition, Table

S, T, INT, B, D, TS, IP = Kind.STRING, Kind.TEXT, Kind.INT, Kind.BIGINT, Kind.DOUBLE, Kind.TIMESTAMP, Kind.IP

# THE lists of record types and levels: the parser emits nothing else (a property test holds it to
# them), and the column docs, the Glue comments and the OpenSearch template are generated from them.
RECORD_TYPES = (
    "init_start",
    "init_runtime_done",
    "init_report",
    "start",
    "end",
    "report",
    "runtime_done",
    "restore_start",
    "restore_runtime_done",
    "restore_report",
    "timeout",
    "app",
    "runtime_error",
    "extension",
    "telemetry",
    "logs_dropped",
    "platform",
    "access",
    "execution",
    "unknown",
)
LEVELS = ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
SOURCES = ("lambda", "apigateway", "other")

EVENTS = Table(
    name="events",
    doc="One row per CloudWatch Logs event, normalized by the loglake parser.",
    time_column="event_time",
    columns=(
        Column("event_id", S, "CloudWatch event id; the identity of the row and the OpenSearch _id."),
        Column("event_time", TS, "When the event happened: the CloudWatch event timestamp (UTC, ms)."),
        Column("ingest_time", TS, "When loglake parsed the batch (UTC, ms)."),
        Column("account_id", S, "AWS account that owns the log group."),
        Column("region", S, "AWS region of the log group."),
        Column("log_group", S, "CloudWatch log group name."),
        Column("log_stream", S, "CloudWatch log stream name."),
        Column("source", S, "Producer family: lambda, apigateway or other."),
        Column("function_name", S, "Lambda function name, from the log group or the record."),
        Column("function_version", S, "Lambda version ($LATEST or a number), from START or the stream."),
        Column("record_type", S, "Kind of line.", values=RECORD_TYPES),
        Column("level", S, "Normalized level.", values=LEVELS),
        Column("request_id", S, "Lambda or API Gateway request id; inherited inside an invocation."),
        Column("message", T, "The text of the line without the runtime prefix."),
        Column("raw", T, "The original event text, byte for byte; nothing is ever lost.", indexed=False),
        Column("trace_id", S, "X-Ray trace id (1-xxxxxxxx-...)."),
        Column("error_type", S, "Error or exception type."),
        Column("error_message", T, "Error message."),
        Column("stack_trace", T, "Stack trace, one frame per line."),
        Column("attributes", T, "Other keys of a structured line, as a JSON object."),
        Column("runtime_version", S, "Runtime version from INIT_START (e.g. python:3.12.v38)."),
        Column("duration_ms", D, "Invocation duration (REPORT / platform.report)."),
        Column("billed_duration_ms", B, "Billed duration in ms."),
        Column("memory_size_mb", INT, "Configured memory in MB."),
        Column("max_memory_used_mb", INT, "Peak memory used in MB."),
        Column("init_duration_ms", D, "Init duration in ms; present only on cold starts."),
        Column("restore_duration_ms", D, "SnapStart restore duration in ms."),
        Column("billed_restore_duration_ms", B, "SnapStart billed restore duration in ms."),
        Column("status", S, "Invocation status from REPORT / platform.report: success, error, timeout..."),
        Column("http_method", S, "HTTP method of an API Gateway request."),
        Column("resource_path", S, "API Gateway resource path or route key."),
        Column("status_code", INT, "HTTP status code."),
        Column("latency_ms", D, "API Gateway response latency in ms."),
        Column("integration_latency_ms", D, "API Gateway integration latency in ms."),
        Column("source_ip", IP, "Client IP address."),
        Column("user_agent", T, "Client user agent."),
        Column("response_length", B, "Response length in bytes."),
        Column("api_id", S, "API Gateway API id."),
        Column("stage", S, "API Gateway stage."),
    ),
    partitions=(
        Partition(
            "dt",
            S,
            "UTC day of the event time, yyyy-MM-dd.",
            {
                "type": "date",
                "format": "yyyy-MM-dd",
                "range": "2020-01-01,NOW",
                "interval": "1",
                "interval.unit": "DAYS",
            },
        ),
        Partition(
            "hour",
            INT,
            "UTC hour of the event time, 0-23.",
            {"type": "integer", "range": "0,23", "digits": "2"},
        ),
    ),
)
