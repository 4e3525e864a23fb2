-- Which request failed, and why: one row per failed invocation and one per ERROR / FATAL line that
-- did not come from a failed invocation (errors the application logged and handled, init errors).
--   kind           'failed_invocation' or 'logged_error'
--   status         the invocation's status ('error', 'timeout'; 'success' or NULL for logged errors)
--   error_type     the invocation's error type, else the first one its error lines name
--   message        the first error line's text (a failed invocation: its first line that is not
--                  a platform REPORT / runtimeDone)
--   stack_trace    the stack trace of the error, one frame per line
CREATE OR REPLACE VIEW lambda_errors AS
WITH error_lines AS (
  SELECT
    event_time, function_name, function_version, request_id, record_type, level, message, error_type,
    error_message, stack_trace, trace_id, log_group, log_stream
  FROM events
  WHERE source = 'lambda'
    AND (level IN ('ERROR', 'FATAL') OR record_type IN ('runtime_error', 'timeout'))
),
failed AS (
  SELECT
    i.function_name,
    i.request_id,
    min_by(e.message, e.event_time) AS message,
    min_by(e.error_type, e.event_time) AS error_type,
    max(e.error_message) AS error_message,
    max(e.stack_trace) AS stack_trace,
    max(e.log_group) AS log_group
  FROM lambda_invocations i
  LEFT JOIN error_lines e
    ON e.function_name = i.function_name AND e.request_id = i.request_id
    AND e.record_type NOT IN ('report', 'runtime_done')
  WHERE i.status <> 'success'
  GROUP BY i.function_name, i.request_id
)
SELECT
  'failed_invocation' AS kind,
  i.event_time,
  i.function_name,
  i.function_version,
  i.request_id,
  i.status,
  'ERROR' AS level,
  coalesce(i.error_type, f.error_type) AS error_type,
  f.error_message,
  f.message,
  f.stack_trace,
  i.trace_id,
  f.log_group,
  i.log_stream
FROM lambda_invocations i
JOIN failed f ON f.function_name = i.function_name AND f.request_id = i.request_id
UNION ALL
SELECT
  'logged_error' AS kind,
  e.event_time,
  e.function_name,
  e.function_version,
  e.request_id,
  i.status,
  e.level,
  e.error_type,
  e.error_message,
  e.message,
  e.stack_trace,
  coalesce(e.trace_id, i.trace_id) AS trace_id,
  e.log_group,
  e.log_stream
FROM error_lines e
LEFT JOIN lambda_invocations i ON i.function_name = e.function_name AND i.request_id = e.request_id
WHERE coalesce(i.status, 'success') = 'success'
  AND e.record_type NOT IN ('report', 'runtime_done')
