-- purpose: How many cold starts, and how long does initialization (or a SnapStart restore) take?
SELECT
  function_name,
  count(*) AS invocations,
  count_if(cold_start) AS cold_starts,
  round(100 * CAST(count_if(cold_start) AS double) / count(*), 2) AS cold_start_pct,
  round(avg(init_duration_ms), 2) AS avg_init_ms,
  round(max(init_duration_ms), 2) AS max_init_ms,
  round(avg(restore_duration_ms), 2) AS avg_restore_ms
FROM lambda_invocations
GROUP BY function_name
ORDER BY cold_start_pct DESC
