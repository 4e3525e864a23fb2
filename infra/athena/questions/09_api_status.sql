-- purpose: How is the API doing? Requests, 4xx / 5xx / 429 (throttled) counts and rates, latency percentiles per API and stage.
-- Access log formats without $context.apiId are named by their log group instead.
SELECT
  coalesce(api_id, log_group) AS api,
  stage,
  count(*) AS requests,
  count_if(status_code BETWEEN 400 AND 499) AS client_errors,
  count_if(status_code >= 500) AS server_errors,
  count_if(status_code = 429) AS throttled,
  round(100.0 * count_if(status_code >= 500) / count(*), 2) AS server_error_pct,
  round(approx_percentile(latency_ms, 0.50), 1) AS p50_latency_ms,
  round(approx_percentile(latency_ms, 0.95), 1) AS p95_latency_ms,
  round(approx_percentile(latency_ms, 0.99), 1) AS p99_latency_ms
FROM events
WHERE record_type = 'access'
GROUP BY coalesce(api_id, log_group), stage
ORDER BY requests DESC
