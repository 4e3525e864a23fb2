-- One row per Lambda invocation, assembled from its REPORT (or platform.report) line and from the
-- timeout / runtime-error lines that share its request id.
--   status      'timeout' if a timeout line or the report says so; 'error' if a runtime error line
--               or the report status (error / failure) says so; 'success' otherwise. An ERROR line
--               the application logged on purpose does not fail the invocation (as in Lambda's
--               own Errors metric).
--   cold_start  the report carries an Init Duration (or a SnapStart Restore Duration).
--   event_time  the earliest line of the invocation: its START when the START was delivered.
CREATE OR REPLACE VIEW lambda_invocations AS
SELECT
  function_name,
  coalesce(max(CASE WHEN record_type = 'start' THEN function_version END), max(function_version)) AS function_version,
  request_id,
  min(event_time) AS event_time,
  max(CASE WHEN record_type = 'report' THEN duration_ms END) AS duration_ms,
  max(CASE WHEN record_type = 'report' THEN billed_duration_ms END) AS billed_duration_ms,
  max(CASE WHEN record_type = 'report' THEN memory_size_mb END) AS memory_size_mb,
  max(CASE WHEN record_type = 'report' THEN max_memory_used_mb END) AS max_memory_used_mb,
  max(CASE WHEN record_type = 'report' THEN init_duration_ms END) AS init_duration_ms,
  max(CASE WHEN record_type = 'report' THEN restore_duration_ms END) AS restore_duration_ms,
  count_if(record_type = 'report' AND (init_duration_ms IS NOT NULL OR restore_duration_ms IS NOT NULL)) > 0
    AS cold_start,
  CASE
    WHEN count_if(record_type = 'timeout' OR (record_type = 'report' AND status = 'timeout')) > 0 THEN 'timeout'
    WHEN count_if(record_type = 'runtime_error' OR (record_type = 'report' AND status IN ('error', 'failure'))) > 0
      THEN 'error'
    ELSE 'success'
  END AS status,
  coalesce(
    max(CASE WHEN record_type = 'report' THEN error_type END),
    max(CASE WHEN record_type IN ('timeout', 'runtime_error') THEN error_type END)
  ) AS error_type,
  max(trace_id) AS trace_id,
  max(account_id) AS account_id,
  max(region) AS region,
  max(log_stream) AS log_stream
FROM events
WHERE source = 'lambda'
  AND request_id IS NOT NULL
  AND record_type IN ('start', 'report', 'timeout', 'runtime_error')
GROUP BY function_name, request_id
HAVING count_if(record_type = 'report') > 0
