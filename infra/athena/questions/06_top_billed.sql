-- purpose: Which invocations cost the most? The ten with the longest billed duration.
SELECT
  function_name,
  request_id,
  event_time,
  billed_duration_ms,
  memory_size_mb,
  status
FROM lambda_invocations
ORDER BY billed_duration_ms DESC, request_id
LIMIT 10
