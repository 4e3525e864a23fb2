-- The architecture of each function, an input of the cost views: REPORT lines do not say whether a
-- function runs on x86_64 or arm64. List your arm64 functions here, one row each, e.g.
--     ('image-resizer', 'arm64'),
-- before the placeholder row; a function not listed gets the default architecture of lambda_pricing.
CREATE OR REPLACE VIEW lambda_architectures AS
SELECT function_name, architecture
FROM (
  VALUES
    (CAST(NULL AS varchar), CAST(NULL AS varchar))
) AS a (function_name, architecture)
WHERE function_name IS NOT NULL
