-- purpose: Which API paths are the most requested (the Logs Insights sample), and how do they fare?
SELECT
  api,
  stage,
  http_method AS method,
  resource_path AS path,
  count(*) AS requests,
  count_if(status_code BETWEEN 400 AND 499) AS status_4xx,
  count_if(status_code >= 500) AS status_5xx,
  round(approx_percentile(latency_ms, 0.95), 1) AS p95_latency_ms
FROM apigw_requests
GROUP BY api, stage, http_method, resource_path
ORDER BY requests DESC, path, method
LIMIT 10
