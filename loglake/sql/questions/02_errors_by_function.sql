-- purpose: How often do they fail? Errors, timeouts and the failure rate per function.
SELECT
  function_name,
  count(*) AS invocations,
  count_if(status = 'error') AS errors,
  count_if(status = 'timeout') AS timeouts,
  round(100 * CAST(count_if(status <> 'success') AS double) / count(*), 2) AS failure_pct
FROM lambda_invocations
GROUP BY function_name
ORDER BY failure_pct DESC, function_name
