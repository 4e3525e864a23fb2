-- Per function and version: did the deploy make things slower or flakier? Versions are ordered by
-- when they were first seen; the *_change columns compare a version with the one before it.
--   avg_duration_change_pct / p95_duration_change_pct  100 x (this / previous - 1)
--   error_rate_change                                  this error_rate - previous (fraction)
CREATE OR REPLACE VIEW lambda_version_comparison AS
WITH by_version AS (
  SELECT
    function_name,
    function_version,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen,
    count(*) AS invocations,
    avg(duration_ms) AS avg_duration_ms,
    approx_percentile(duration_ms, 0.95) AS p95_duration_ms,
    CAST(count_if(status <> 'success') AS double) / count(*) AS error_rate,
    CAST(count_if(cold_start) AS double) / count(*) AS cold_start_rate
  FROM lambda_invocations
  GROUP BY function_name, function_version
)
SELECT
  function_name,
  function_version,
  first_seen,
  last_seen,
  invocations,
  avg_duration_ms,
  p95_duration_ms,
  error_rate,
  cold_start_rate,
  lag(function_version) OVER (PARTITION BY function_name ORDER BY first_seen) AS previous_version,
  100 * (avg_duration_ms / lag(avg_duration_ms) OVER (PARTITION BY function_name ORDER BY first_seen) - 1)
    AS avg_duration_change_pct,
  100 * (p95_duration_ms / lag(p95_duration_ms) OVER (PARTITION BY function_name ORDER BY first_seen) - 1)
    AS p95_duration_change_pct,
  error_rate - lag(error_rate) OVER (PARTITION BY function_name ORDER BY first_seen) AS error_rate_change
FROM by_version
