-- purpose: Did the last deploy make things slower? Duration and failures per version, with the change against the previous version.
WITH by_version AS (
  SELECT
    function_name,
    function_version,
    min(event_time) AS first_seen,
    count(*) AS invocations,
    avg(duration_ms) AS avg_ms,
    approx_percentile(duration_ms, 0.95) AS p95_ms,
    100.0 * count_if(status <> 'success') / count(*) AS failure_pct
  FROM lambda_invocations
  GROUP BY function_name, function_version
)
SELECT
  function_name,
  function_version,
  first_seen,
  invocations,
  round(avg_ms, 2) AS avg_ms,
  round(p95_ms, 2) AS p95_ms,
  round(failure_pct, 2) AS failure_pct,
  round(100.0 * (avg_ms / lag(avg_ms) OVER (PARTITION BY function_name ORDER BY first_seen) - 1), 1)
    AS avg_change_pct
FROM by_version
ORDER BY function_name, first_seen
