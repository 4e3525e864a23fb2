-- purpose: Logs Insights Lambda sample: the amount of over-provisioned memory, in MB.
-- Generated from this Logs Insights query (loglake/cwlogs_query):
--   filter @type = "REPORT"
--   | stats max(@memorySize / 1000 / 1000) as provisonedMemoryMB,
--       min(@maxMemoryUsed / 1000 / 1000) as smallestMemoryRequestMB,
--       avg(@maxMemoryUsed / 1000 / 1000) as avgMemoryUsedMB,
--       max(@maxMemoryUsed / 1000 / 1000) as maxMemoryUsedMB,
--       provisonedMemoryMB - maxMemoryUsedMB as overProvisionedMB
WITH q0 AS (SELECT event_time AS "@timestamp", raw AS "@message", log_stream AS "@logStream", concat(account_id, ':', log_group) AS "@log", ingest_time AS "@ingestionTime", request_id AS "@requestId", CASE record_type WHEN 'start' THEN 'START' WHEN 'end' THEN 'END' WHEN 'report' THEN 'REPORT' END AS "@type", duration_ms AS "@duration", billed_duration_ms AS "@billedDuration", CAST(memory_size_mb AS bigint) * 1000000 AS "@memorySize", CAST(max_memory_used_mb AS bigint) * 1000000 AS "@maxMemoryUsed", init_duration_ms AS "@initDuration", trace_id AS "@xrayTraceId", try(json_parse(raw)) AS "__doc", try(json_parse(attributes)) AS "__attrs", event_id AS "__id" FROM events WHERE true),
q1 AS (SELECT "@timestamp", "@message", "@logStream", "@log", "@ingestionTime", "@requestId", "@type", "@duration", "@billedDuration", "@memorySize", "@maxMemoryUsed", "@initDuration", "@xrayTraceId", "__doc", "__attrs", "__id" FROM q0 WHERE ("@type" = 'REPORT')),
q2 AS (SELECT max((CAST((CAST("@memorySize" AS double) / 1000) AS double) / 1000)) AS "provisonedMemoryMB", min((CAST((CAST("@maxMemoryUsed" AS double) / 1000) AS double) / 1000)) AS "smallestMemoryRequestMB", avg((CAST((CAST("@maxMemoryUsed" AS double) / 1000) AS double) / 1000)) AS "avgMemoryUsedMB", max((CAST((CAST("@maxMemoryUsed" AS double) / 1000) AS double) / 1000)) AS "maxMemoryUsedMB", (max((CAST((CAST("@memorySize" AS double) / 1000) AS double) / 1000)) - max((CAST((CAST("@maxMemoryUsed" AS double) / 1000) AS double) / 1000))) AS "overProvisionedMB" FROM q1)
SELECT "provisonedMemoryMB" AS "provisonedMemoryMB", "smallestMemoryRequestMB" AS "smallestMemoryRequestMB", "avgMemoryUsedMB" AS "avgMemoryUsedMB", "maxMemoryUsedMB" AS "maxMemoryUsedMB", "overProvisionedMB" AS "overProvisionedMB" FROM q2 LIMIT 10000
