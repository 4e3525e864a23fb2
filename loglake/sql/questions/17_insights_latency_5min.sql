-- purpose: Logs Insights Lambda sample: latency statistics in 5-minute bins (the last hour of bins).
-- Generated from this Logs Insights query (loglake/cwlogs_query):
--   filter @type = "REPORT"
--   | stats avg(@duration), max(@duration), min(@duration) by bin(5m)
--   | sort bin(5m) desc
--   | limit 12
WITH q0 AS (SELECT event_time AS "@timestamp", raw AS "@message", log_stream AS "@logStream", concat(account_id, ':', log_group) AS "@log", ingest_time AS "@ingestionTime", request_id AS "@requestId", CASE record_type WHEN 'start' THEN 'START' WHEN 'end' THEN 'END' WHEN 'report' THEN 'REPORT' END AS "@type", duration_ms AS "@duration", billed_duration_ms AS "@billedDuration", CAST(memory_size_mb AS bigint) * 1000000 AS "@memorySize", CAST(max_memory_used_mb AS bigint) * 1000000 AS "@maxMemoryUsed", init_duration_ms AS "@initDuration", trace_id AS "@xrayTraceId", try(json_parse(raw)) AS "__doc", try(json_parse(attributes)) AS "__attrs", event_id AS "__id" FROM events WHERE true),
q1 AS (SELECT "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration", "@xrayTraceId", "__doc", "__attrs", "__id" FROM q0 WHERE ("@type" = 'REPORT')),
q2 AS (SELECT CAST(from_unixtime(floor(to_unixtime("@timestamp") / 300) * 300) AS timestamp) AS "bin(5m)", avg("@duration") AS "avg(@duration)", max("@duration") AS "max(@duration)", min("@duration") AS "min(@duration)" FROM q1 GROUP BY 1),
q3 AS (SELECT "bin(5m)", "avg(@duration)", "max(@duration)", "min(@duration)" FROM q2 ORDER BY "bin(5m)" DESC LIMIT 12)
SELECT "bin(5m)" AS "bin(5m)", "avg(@duration)" AS "avg(@duration)", "max(@duration)" AS "max(@duration)", "min(@duration)" AS "min(@duration)" FROM q3 ORDER BY "bin(5m)" DESC LIMIT 12
