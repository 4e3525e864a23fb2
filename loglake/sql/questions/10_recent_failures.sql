-- purpose: Which request failed and why? The latest failed invocations with their error.
SELECT
  event_time,
  function_name,
  function_version AS version,
  request_id,
  status,
  error_type,
  coalesce(error_message, message) AS error_message
FROM lambda_errors
WHERE kind = 'failed_invocation'
ORDER BY event_time DESC, request_id
LIMIT 10
