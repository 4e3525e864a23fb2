-- Per function and hour (UTC, by the invocation's start): how many, how fast, how often failed, cold
-- and at what cost. Rates are fractions (0.02 = 2 %); durations in ms; percentiles approximate.
--   errors / timeouts    invocations whose status is 'error' / 'timeout' (see lambda_invocations)
--   error_rate           (errors + timeouts) / invocations, as Lambda's Errors metric counts timeouts
--   avg_init_duration_ms the cold starts' Init Duration (SnapStart: Restore Duration)
--   memory_utilization   max_memory_used_mb / memory_size_mb, the hour's peak
--   estimated_usd        compute + request charges at lambda_pricing (see lambda_invocation_costs)
CREATE OR REPLACE VIEW lambda_function_hourly AS
SELECT
  function_name,
  date_trunc('hour', event_time) AS hour_start,
  count(*) AS invocations,
  count_if(status = 'error') AS errors,
  count_if(status = 'timeout') AS timeouts,
  CAST(count_if(status <> 'success') AS double) / count(*) AS error_rate,
  count_if(cold_start) AS cold_starts,
  CAST(count_if(cold_start) AS double) / count(*) AS cold_start_rate,
  avg(duration_ms) AS avg_duration_ms,
  approx_percentile(duration_ms, 0.50) AS p50_duration_ms,
  approx_percentile(duration_ms, 0.90) AS p90_duration_ms,
  approx_percentile(duration_ms, 0.95) AS p95_duration_ms,
  approx_percentile(duration_ms, 0.99) AS p99_duration_ms,
  max(duration_ms) AS max_duration_ms,
  avg(coalesce(init_duration_ms, restore_duration_ms)) AS avg_init_duration_ms,
  avg(max_memory_used_mb) AS avg_memory_used_mb,
  max(max_memory_used_mb) AS max_memory_used_mb,
  max(memory_size_mb) AS memory_size_mb,
  CAST(max(max_memory_used_mb) AS double) / max(memory_size_mb) AS memory_utilization,
  sum(gb_seconds) AS gb_seconds,
  sum(compute_usd) + sum(request_usd) AS estimated_usd
FROM lambda_invocation_costs
GROUP BY function_name, date_trunc('hour', event_time)
