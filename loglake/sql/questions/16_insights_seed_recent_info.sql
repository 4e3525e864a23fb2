-- purpose: The seed's Logs Insights query: the 20 most recent [INFO] lines.
-- Generated from this Logs Insights query (loglake/cwlogs_query):
--   fields @timestamp, @message
--   | sort @timestamp desc
--   | filter @message like "[INFO]"
--   | limit 20
WITH q0 AS (SELECT event_time AS "@timestamp", raw AS "@message", log_stream AS "@logStream", concat(account_id, ':', log_group) AS "@log", ingest_time AS "@ingestionTime", request_id AS "@requestId", CASE record_type WHEN 'start' THEN 'START' WHEN 'end' THEN 'END' WHEN 'report' THEN 'REPORT' END AS "@type", duration_ms AS "@duration", billed_duration_ms AS "@billedDuration", CAST(memory_size_mb AS bigint) * 1000000 AS "@memorySize", CAST(max_memory_used_mb AS bigint) * 1000000 AS "@maxMemoryUsed", init_duration_ms AS "@initDuration", trace_id AS "@xrayTraceId", try(json_parse(raw)) AS "__doc", try(json_parse(attributes)) AS "__attrs", event_id AS "__id" FROM events WHERE true),
q1 AS (SELECT "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration", "@xrayTraceId", "__doc", "__attrs", "__id" FROM q0 WHERE (strpos("@message", '[INFO]') > 0)),
q2 AS (SELECT "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration", "@xrayTraceId", "__doc", "__attrs", "__id" FROM q1 ORDER BY "@timestamp" DESC LIMIT 20)
SELECT "@timestamp" AS "@timestamp", "@message" AS "@message" FROM q2 ORDER BY "@timestamp" DESC LIMIT 20
