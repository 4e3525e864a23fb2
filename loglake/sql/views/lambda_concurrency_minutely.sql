-- How much concurrency does a function need? Per function and minute (UTC) in which invocations
-- started:
--   avg_concurrency   the busy seconds of the minute's invocations / 60 s: invocations per second x
--                     average duration in seconds, the usual estimate (durations count in the
--                     minute the invocation started)
--   peak_concurrency  the most invocations in flight at one instant of the minute, from the start
--                     (START) and end (START + Duration) of every invocation, counted exactly
CREATE OR REPLACE VIEW lambda_concurrency_minutely AS
WITH invocations AS (
  SELECT
    function_name,
    date_trunc('minute', event_time) AS start_minute,
    date_trunc('minute', date_add('millisecond', CAST(floor(duration_ms) AS bigint), event_time)) AS end_minute,
    CAST(round(to_unixtime(event_time) * 1000) AS bigint) * 100 AS start_key,
    CAST(round(to_unixtime(event_time) * 1000) AS bigint) * 100 + CAST(round(duration_ms * 100) AS bigint) AS end_key,
    duration_ms
  FROM lambda_invocations
  WHERE duration_ms IS NOT NULL
),
edges AS (
  SELECT function_name, start_minute AS minute_start, start_key AS at_key, 1 AS delta FROM invocations
  UNION ALL
  SELECT function_name, end_minute, end_key, -1 FROM invocations
),
levels AS (
  SELECT
    function_name,
    minute_start,
    delta,
    sum(delta) OVER (PARTITION BY function_name ORDER BY at_key, delta ROWS UNBOUNDED PRECEDING) AS in_flight
  FROM edges
),
peaks AS (
  SELECT function_name, minute_start, max(greatest(in_flight, in_flight - delta)) AS peak_concurrency
  FROM levels
  GROUP BY function_name, minute_start
),
busy AS (
  SELECT function_name, start_minute AS minute_start, count(*) AS invocations, sum(duration_ms) AS busy_ms
  FROM invocations
  GROUP BY function_name, start_minute
)
SELECT
  b.function_name,
  b.minute_start,
  b.invocations,
  CAST(b.invocations AS double) / 60 AS invocations_per_second,
  b.busy_ms / b.invocations AS avg_duration_ms,
  b.busy_ms / 60000 AS avg_concurrency,
  p.peak_concurrency
FROM busy b
JOIN peaks p ON p.function_name = b.function_name AND p.minute_start = b.minute_start
