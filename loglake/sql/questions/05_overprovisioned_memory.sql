-- purpose: Is memory over-provisioned? Memory size against the memory really used, the invocations that used all of it, and a suggested size with its saving.
SELECT
  function_name,
  memory_size_mb,
  min_used_mb,
  round(avg_used_mb, 1) AS avg_used_mb,
  p99_used_mb,
  max_used_mb,
  over_provisioned_mb,
  invocations_at_100_pct AS at_100_pct,
  suggested_memory_mb AS suggested_mb,
  round(estimated_saving_pct, 1) AS saving_pct,
  round(estimated_saving_usd, 4) AS saving_usd
FROM lambda_memory_rightsizing
ORDER BY estimated_saving_usd DESC
