-- purpose: Which invocations cost the most? The ten most expensive, by billed duration x memory.
SELECT
  function_name,
  request_id,
  event_time,
  billed_duration_ms,
  memory_size_mb,
  round(gb_seconds, 3) AS gb_seconds,
  round(compute_usd + request_usd, 6) AS usd,
  status
FROM lambda_invocation_costs
ORDER BY gb_seconds DESC, request_id
LIMIT 10
