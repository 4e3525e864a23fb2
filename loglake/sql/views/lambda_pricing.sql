-- Lambda list prices: an input of the cost views, not a constant hidden in them. Replace this view
-- with your region's prices, a Savings Plans rate or a negotiated price (edit this file and run
-- `loglake athena setup` again, or CREATE OR REPLACE VIEW lambda_pricing in Athena).
--   architecture       x86_64 or arm64 (Graviton)
--   usd_per_gb_second  on-demand duration price per GB-second (billed duration x configured memory)
--   usd_per_request    request price per invocation (0.20 USD per million requests)
--   is_default         the architecture of the functions lambda_architectures does not list
-- Values: AWS Lambda list prices for US East (N. Virginia), first duration tier (the first 6 billion
-- GB-seconds a month). The monthly free tier (400,000 GB-seconds, 1 million requests) is not deducted.
CREATE OR REPLACE VIEW lambda_pricing AS
SELECT
  architecture,
  CAST(usd_per_gb_second AS double) AS usd_per_gb_second,
  CAST(usd_per_million_requests AS double) / 1000000 AS usd_per_request,
  is_default
FROM (
  VALUES
    ('x86_64', 0.0000166667, 0.20, true),
    ('arm64', 0.0000133334, 0.20, false)
) AS p (architecture, usd_per_gb_second, usd_per_million_requests, is_default)
