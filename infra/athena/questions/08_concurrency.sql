-- purpose: How much concurrency do they need? Estimated concurrency per minute = busy seconds in the minute / 60, peak and average.
WITH per_minute AS (
  SELECT function_name, date_trunc('minute', event_time) AS minute, sum(duration_ms) / 60000.0 AS concurrency
  FROM lambda_invocations
  GROUP BY function_name, date_trunc('minute', event_time)
)
SELECT
  function_name,
  round(max(concurrency), 3) AS peak_concurrency,
  round(avg(concurrency), 3) AS avg_concurrency,
  max_by(minute, concurrency) AS peak_minute
FROM per_minute
GROUP BY function_name
ORDER BY peak_concurrency DESC
