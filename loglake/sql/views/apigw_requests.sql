-- One row per API Gateway request (access log line). Access log presets without $context.apiId /
-- $context.stage (CLF, JSON, CSV, XML) get the API id and stage other lines of the same log group
-- carry, else the log group's name as `api`.
--   status_class  '2xx', '4xx', '5xx', ...    throttled  status 429 (API Gateway's throttling)
--   event_time    when the access log line was written (the response was sent)
CREATE OR REPLACE VIEW apigw_requests AS
WITH named AS (
  SELECT log_group, max(api_id) AS api_id, max(stage) AS stage
  FROM events
  WHERE record_type = 'access'
  GROUP BY log_group
)
SELECT
  coalesce(e.api_id, n.api_id, e.log_group) AS api,
  coalesce(e.stage, n.stage) AS stage,
  e.request_id,
  e.event_time,
  e.http_method,
  e.resource_path,
  e.status_code,
  concat(CAST(e.status_code / 100 AS varchar), 'xx') AS status_class,
  e.status_code = 429 AS throttled,
  e.latency_ms,
  e.integration_latency_ms,
  e.source_ip,
  e.user_agent,
  e.response_length,
  e.trace_id,
  e.log_group
FROM events e
LEFT JOIN named n ON n.log_group = e.log_group
WHERE e.record_type = 'access'
