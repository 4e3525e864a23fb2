-- Application log lines of Lambda functions with the fields of structured loggers promoted from
-- `attributes` (Powertools for AWS Lambda and the runtimes' JSON format): search them by request id,
-- trace id, correlation id or service.
--   service, location, correlation_id, cold_start, sampling_rate   Powertools Logger keys
--   logger      the logger's name (Java loggers, the runtime's JSON `logger`)
--   trace_id    the line's X-Ray trace id, else its invocation's (from START / REPORT)
-- Each field is read with try(json_extract_scalar(…)): a row whose `attributes` is not JSON shows NULL
-- fields instead of failing the whole query (on Athena and on DuckDB alike).
CREATE OR REPLACE VIEW app_logs AS
WITH lines AS (
  SELECT
    *,
    CASE WHEN request_id IS NOT NULL
      THEN max(trace_id) OVER (PARTITION BY function_name, request_id)
    END AS invocation_trace_id
  FROM events
  WHERE source = 'lambda' AND record_type IN ('app', 'start', 'report')
)
SELECT
  event_time,
  function_name,
  function_version,
  request_id,
  coalesce(trace_id, invocation_trace_id) AS trace_id,
  level,
  message,
  try(json_extract_scalar(attributes, '$.service')) AS service,
  try(json_extract_scalar(attributes, '$.logger')) AS logger,
  try(json_extract_scalar(attributes, '$.location')) AS location,
  coalesce(
    try(json_extract_scalar(attributes, '$.correlation_id')),
    try(json_extract_scalar(attributes, '$.correlationId'))
  ) AS correlation_id,
  TRY_CAST(try(json_extract_scalar(attributes, '$.cold_start')) AS boolean) AS cold_start,
  TRY_CAST(try(json_extract_scalar(attributes, '$.sampling_rate')) AS double) AS sampling_rate,
  error_type,
  error_message,
  stack_trace,
  attributes,
  log_group,
  log_stream
FROM lines
WHERE record_type = 'app'
