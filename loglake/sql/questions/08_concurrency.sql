-- purpose: How much concurrency do they need? Invocations/s x average duration per minute (average and busiest minute) and the most invocations ever in flight at once.
SELECT
  function_name,
  round(avg(avg_concurrency), 3) AS avg_concurrency,
  round(max(avg_concurrency), 3) AS busiest_minute_concurrency,
  max_by(minute_start, avg_concurrency) AS busiest_minute,
  max(peak_concurrency) AS peak_in_flight
FROM lambda_concurrency_minutely
GROUP BY function_name
ORDER BY peak_in_flight DESC, function_name
