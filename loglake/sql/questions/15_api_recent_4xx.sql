-- purpose: Which API requests were rejected lately (the Logs Insights sample)? The last ten 4xx responses.
SELECT
  event_time,
  http_method AS method,
  resource_path AS path,
  status_code AS status,
  source_ip,
  request_id
FROM apigw_requests
WHERE status_code BETWEEN 400 AND 499
ORDER BY event_time DESC, request_id
LIMIT 10
