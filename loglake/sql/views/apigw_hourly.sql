-- Per API, stage and hour (UTC, by the access log line's time): traffic, errors, throttling, latency
-- and the most requested path. Rates are fractions; latencies in ms (only access log formats with
-- $context.responseLatency carry them); percentiles approximate.
CREATE OR REPLACE VIEW apigw_hourly AS
WITH requests AS (
  SELECT *, date_trunc('hour', event_time) AS hour_start FROM apigw_requests
),
paths AS (
  SELECT api, stage, hour_start, concat(http_method, ' ', resource_path) AS path, count(*) AS path_requests
  FROM requests
  GROUP BY api, stage, hour_start, concat(http_method, ' ', resource_path)
),
ranked_paths AS (
  SELECT
    *,
    row_number() OVER (PARTITION BY api, stage, hour_start ORDER BY path_requests DESC, path) AS path_rank
  FROM paths
),
top_paths AS (
  -- the busiest path; of paths equally busy, the first by name (max_by would pick any of them)
  SELECT api, stage, hour_start, path AS top_path, path_requests AS top_path_requests
  FROM ranked_paths
  WHERE path_rank = 1
)
SELECT
  r.api,
  r.stage,
  r.hour_start,
  count(*) AS requests,
  count_if(r.status_code BETWEEN 200 AND 299) AS status_2xx,
  count_if(r.status_code BETWEEN 400 AND 499) AS status_4xx,
  count_if(r.status_code >= 500) AS status_5xx,
  count_if(r.status_code = 429) AS status_429,
  CAST(count_if(r.status_code BETWEEN 400 AND 499) AS double) / count(*) AS rate_4xx,
  CAST(count_if(r.status_code >= 500) AS double) / count(*) AS rate_5xx,
  CAST(count_if(r.status_code = 429) AS double) / count(*) AS rate_429,
  avg(r.latency_ms) AS avg_latency_ms,
  approx_percentile(r.latency_ms, 0.50) AS p50_latency_ms,
  approx_percentile(r.latency_ms, 0.95) AS p95_latency_ms,
  approx_percentile(r.latency_ms, 0.99) AS p99_latency_ms,
  avg(r.integration_latency_ms) AS avg_integration_latency_ms,
  max(t.top_path) AS top_path,
  max(t.top_path_requests) AS top_path_requests
FROM requests r
JOIN top_paths t ON t.api = r.api AND t.stage IS NOT DISTINCT FROM r.stage AND t.hour_start = r.hour_start
GROUP BY r.api, r.stage, r.hour_start
