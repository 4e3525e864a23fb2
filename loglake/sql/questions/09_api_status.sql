-- purpose: How is the API doing? Requests, 4xx / 5xx / 429 (throttled) counts and rates, latency percentiles per API and stage.
SELECT
  api,
  stage,
  count(*) AS requests,
  count_if(status_code BETWEEN 400 AND 499) AS status_4xx,
  count_if(status_code >= 500) AS status_5xx,
  count_if(throttled) AS status_429,
  round(100 * CAST(count_if(status_code BETWEEN 400 AND 499) AS double) / count(*), 2) AS pct_4xx,
  round(100 * CAST(count_if(status_code >= 500) AS double) / count(*), 2) AS pct_5xx,
  round(approx_percentile(latency_ms, 0.50), 1) AS p50_latency_ms,
  round(approx_percentile(latency_ms, 0.95), 1) AS p95_latency_ms,
  round(approx_percentile(latency_ms, 0.99), 1) AS p99_latency_ms
FROM apigw_requests
GROUP BY api, stage
ORDER BY requests DESC
