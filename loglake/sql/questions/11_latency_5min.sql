-- purpose: Latency in 5-minute bins (the Logs Insights sample): average, min and max duration per function over the last 15 minutes of data.
WITH recent AS (
  SELECT
    function_name,
    date_add('minute', -(minute(event_time) % 5), date_trunc('minute', event_time)) AS bin,
    duration_ms
  FROM lambda_invocations
  WHERE event_time > (SELECT max(event_time) FROM lambda_invocations) - INTERVAL '15' MINUTE
)
SELECT
  bin,
  function_name,
  count(*) AS invocations,
  round(avg(duration_ms), 2) AS avg_ms,
  round(min(duration_ms), 2) AS min_ms,
  round(max(duration_ms), 2) AS max_ms
FROM recent
GROUP BY bin, function_name
ORDER BY bin DESC, function_name
