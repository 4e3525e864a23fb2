-- Per function and UTC day: GB-seconds (billed duration x configured memory) and the estimated bill.
-- The prices and the architecture are inputs: lambda_pricing and lambda_architectures.
--   compute_usd    gb_seconds x usd_per_gb_second
--   request_usd    invocations x the per-request charge
--   estimated_usd  compute_usd + request_usd (free tier not deducted)
CREATE OR REPLACE VIEW lambda_cost_daily AS
SELECT
  function_name,
  CAST(event_time AS date) AS day,
  architecture,
  max(usd_per_gb_second) AS usd_per_gb_second,
  count(*) AS invocations,
  sum(billed_duration_ms) AS billed_duration_ms,
  sum(gb_seconds) AS gb_seconds,
  sum(compute_usd) AS compute_usd,
  sum(request_usd) AS request_usd,
  sum(compute_usd) + sum(request_usd) AS estimated_usd
FROM lambda_invocation_costs
GROUP BY function_name, CAST(event_time AS date), architecture
