-- purpose: What does it cost? GB-seconds and estimated USD per function, at the list prices of lambda_pricing (edit it and lambda_architectures for your account).
SELECT
  function_name,
  architecture,
  sum(invocations) AS invocations,
  round(sum(gb_seconds), 3) AS gb_seconds,
  round(sum(compute_usd), 6) AS compute_usd,
  round(sum(request_usd), 6) AS request_usd,
  round(sum(estimated_usd), 6) AS estimated_usd
FROM lambda_cost_daily
GROUP BY function_name, architecture
ORDER BY estimated_usd DESC
