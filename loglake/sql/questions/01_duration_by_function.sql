-- purpose: How long do my functions take? Average and p50 / p95 / p99 duration per function.
SELECT
  function_name,
  count(*) AS invocations,
  round(avg(duration_ms), 2) AS avg_ms,
  round(approx_percentile(duration_ms, 0.50), 2) AS p50_ms,
  round(approx_percentile(duration_ms, 0.95), 2) AS p95_ms,
  round(approx_percentile(duration_ms, 0.99), 2) AS p99_ms,
  round(max(duration_ms), 2) AS max_ms
FROM lambda_invocations
GROUP BY function_name
ORDER BY function_name
