-- Is memory over-provisioned? Per function and configured memory size: the memory really used, the
-- invocations that used all of it, and a suggested size with what it would save.
--   suggested_memory_mb   p99 of max memory used + 30 % headroom, rounded up to 64 MB, within Lambda's
--                         128-10240 MB; never below the current size once an invocation used 100 %
--   estimated_saving_usd  compute_usd x (1 - suggested / current), assuming durations stay the same
--                         (less memory also means less CPU: check the duration after resizing);
--                         negative when the function needs more memory
--   over_provisioned_mb   memory size - the largest max memory used (the Logs Insights sample)
CREATE OR REPLACE VIEW lambda_memory_rightsizing AS
WITH usage AS (
  SELECT
    function_name,
    memory_size_mb,
    max(architecture) AS architecture,
    count(*) AS invocations,
    min(max_memory_used_mb) AS min_used_mb,
    avg(max_memory_used_mb) AS avg_used_mb,
    approx_percentile(max_memory_used_mb, 0.99) AS p99_used_mb,
    max(max_memory_used_mb) AS max_used_mb,
    count_if(max_memory_used_mb >= memory_size_mb) AS invocations_at_100_pct,
    sum(gb_seconds) AS gb_seconds,
    sum(compute_usd) AS compute_usd
  FROM lambda_invocation_costs
  GROUP BY function_name, memory_size_mb
),
suggested AS (
  SELECT
    *,
    least(10240, greatest(
      128,
      CAST(ceil(CAST(p99_used_mb AS double) * 1.3 / 64) AS integer) * 64,
      CASE WHEN invocations_at_100_pct > 0 THEN memory_size_mb ELSE 0 END
    )) AS suggested_memory_mb
  FROM usage
)
SELECT
  function_name,
  memory_size_mb,
  architecture,
  invocations,
  min_used_mb,
  avg_used_mb,
  p99_used_mb,
  max_used_mb,
  memory_size_mb - max_used_mb AS over_provisioned_mb,
  CAST(max_used_mb AS double) / memory_size_mb AS peak_utilization,
  invocations_at_100_pct,
  suggested_memory_mb,
  gb_seconds,
  compute_usd,
  compute_usd * (1 - CAST(suggested_memory_mb AS double) / memory_size_mb) AS estimated_saving_usd,
  100 * (1 - CAST(suggested_memory_mb AS double) / memory_size_mb) AS estimated_saving_pct
FROM suggested
