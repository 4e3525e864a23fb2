-- purpose: Which request failed and why? The latest failed invocations with their error.
SELECT
  i.event_time,
  i.function_name,
  i.function_version,
  i.request_id,
  i.status,
  coalesce(i.error_type, e.error_type) AS error_type,
  e.error_message
FROM lambda_invocations i
LEFT JOIN (
  SELECT function_name, request_id, max(error_type) AS error_type, max(error_message) AS error_message
  FROM events
  WHERE record_type IN ('runtime_error', 'timeout') OR level IN ('ERROR', 'FATAL')
  GROUP BY function_name, request_id
) e ON e.function_name = i.function_name AND e.request_id = i.request_id
WHERE i.status <> 'success'
ORDER BY i.event_time DESC, i.request_id
LIMIT 10
