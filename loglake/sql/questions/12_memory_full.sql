-- purpose: Which invocations used 100 % of their memory (the Logs Insights sample), per function and 30-minute bin, over the last 6 hours of data?
SELECT
  date_add('minute', -(minute(event_time) % 30), date_trunc('minute', event_time)) AS bin,
  function_name,
  memory_size_mb,
  count(DISTINCT request_id) AS invocations_at_100_pct,
  count_if(status <> 'success') AS failed
FROM lambda_invocations
WHERE max_memory_used_mb >= memory_size_mb
  AND event_time > (SELECT max(event_time) FROM lambda_invocations) - INTERVAL '6' HOUR
GROUP BY 1, function_name, memory_size_mb
ORDER BY bin DESC, function_name
