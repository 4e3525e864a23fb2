-- purpose: Is memory over-provisioned? Configured memory against the memory really used, and invocations that used all of it.
SELECT
  function_name,
  max(memory_size_mb) AS memory_size_mb,
  round(avg(max_memory_used_mb), 1) AS avg_used_mb,
  max(max_memory_used_mb) AS peak_used_mb,
  round(100.0 * max(max_memory_used_mb) / max(memory_size_mb), 1) AS peak_used_pct,
  count_if(max_memory_used_mb >= memory_size_mb) AS at_100_pct
FROM lambda_invocations
GROUP BY function_name
ORDER BY peak_used_pct
