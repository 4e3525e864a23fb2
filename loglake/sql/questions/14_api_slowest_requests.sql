-- purpose: Which API requests took the longest (the Logs Insights sample)? The ten with the highest latency.
SELECT
  event_time,
  http_method AS method,
  resource_path AS path,
  status_code AS status,
  latency_ms,
  integration_latency_ms,
  source_ip,
  request_id
FROM apigw_requests
WHERE latency_ms IS NOT NULL
ORDER BY latency_ms DESC, request_id
LIMIT 10
