-- purpose: Did the last deploy make things slower? Duration and failures per version, with the change against the previous version.
SELECT
  function_name,
  function_version,
  first_seen,
  invocations,
  round(avg_duration_ms, 2) AS avg_ms,
  round(p95_duration_ms, 2) AS p95_ms,
  round(100 * error_rate, 2) AS failure_pct,
  previous_version AS previous,
  round(avg_duration_change_pct, 1) AS avg_change_pct,
  round(p95_duration_change_pct, 1) AS p95_change_pct
FROM lambda_version_comparison
ORDER BY function_name, first_seen
