-- purpose: What does it cost? GB-seconds and estimated USD per function (x86_64 list price: 0.0000166667 USD per GB-second, 0.20 USD per million requests; arm64 is 0.0000133334 per GB-second).
WITH prices AS (
  SELECT 0.0000166667 AS usd_per_gb_second, 0.20 / 1000000 AS usd_per_request
)
SELECT
  function_name,
  count(*) AS invocations,
  round(sum(billed_duration_ms / 1000.0 * memory_size_mb / 1024.0), 3) AS gb_seconds,
  round(sum(billed_duration_ms / 1000.0 * memory_size_mb / 1024.0) * max(p.usd_per_gb_second)
    + count(*) * max(p.usd_per_request), 4) AS estimated_usd
FROM lambda_invocations
CROSS JOIN prices p
GROUP BY function_name
ORDER BY estimated_usd DESC
