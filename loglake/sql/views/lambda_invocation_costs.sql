-- One row per invocation (lambda_invocations) with what it cost, the base of the cost views.
--   architecture  from lambda_architectures, else the default of lambda_pricing
--   gb_seconds    billed duration in seconds x configured memory in GB (1 GB = 1024 MB)
--   compute_usd   gb_seconds x the architecture's usd_per_gb_second
--   request_usd   the per-request charge
CREATE OR REPLACE VIEW lambda_invocation_costs AS
SELECT
  i.function_name,
  i.function_version,
  i.request_id,
  i.event_time,
  i.status,
  i.cold_start,
  i.duration_ms,
  i.billed_duration_ms,
  i.memory_size_mb,
  i.max_memory_used_mb,
  i.init_duration_ms,
  i.restore_duration_ms,
  p.architecture,
  p.usd_per_gb_second,
  CAST(i.billed_duration_ms AS double) / 1000 * i.memory_size_mb / 1024 AS gb_seconds,
  CAST(i.billed_duration_ms AS double) / 1000 * i.memory_size_mb / 1024 * p.usd_per_gb_second AS compute_usd,
  p.usd_per_request AS request_usd
FROM lambda_invocations i
LEFT JOIN lambda_architectures a ON a.function_name = i.function_name
JOIN lambda_pricing p ON p.architecture = a.architecture OR (a.architecture IS NULL AND p.is_default)
