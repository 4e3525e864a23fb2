CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`events_objects` (
  `event_id`                    string COMMENT 'CloudWatch event id; the identity of the row and the OpenSearch _id.',
  `event_time`                  timestamp COMMENT 'When the event happened: the CloudWatch event timestamp (UTC, ms).',
  `ingest_time`                 timestamp COMMENT 'When loglake parsed the batch (UTC, ms).',
  `account_id`                  string COMMENT 'AWS account that owns the log group.',
  `region`                      string COMMENT 'AWS region of the log group.',
  `log_group`                   string COMMENT 'CloudWatch log group name.',
  `log_stream`                  string COMMENT 'CloudWatch log stream name.',
  `source`                      string COMMENT 'Producer family: lambda, apigateway or other.',
  `function_name`               string COMMENT 'Lambda function name, from the log group or the record.',
  `function_version`            string COMMENT 'Lambda version ($LATEST or a number), from START or the stream.',
  `record_type`                 string COMMENT 'Kind of line. One of: init_start, init_runtime_done, init_report, start, end, report, runtime_done, restore_start, restore_runtime_done, restore_report, timeout, app, runtime_error, extension, telemetry, logs_dropped, platform, access, execution, unknown.',
  `level`                       string COMMENT 'Normalized level. One of: TRACE, DEBUG, INFO, WARN, ERROR, FATAL.',
  `request_id`                  string COMMENT 'Lambda or API Gateway request id; inherited inside an invocation.',
  `message`                     string COMMENT 'The text of the line without the runtime prefix.',
  `raw`                         string COMMENT 'The original event text, byte for byte; nothing is ever lost.',
  `trace_id`                    string COMMENT 'X-Ray trace id (1-xxxxxxxx-...).',
  `error_type`                  string COMMENT 'Error or exception type.',
  `error_message`               string COMMENT 'Error message.',
  `stack_trace`                 string COMMENT 'Stack trace, one frame per line.',
  `attributes`                  string COMMENT 'Other keys of a structured line, as a JSON object.',
  `runtime_version`             string COMMENT 'Runtime version from INIT_START (e.g. python:3.12.v38).',
  `duration_ms`                 double COMMENT 'Invocation duration (REPORT / platform.report).',
  `billed_duration_ms`          bigint COMMENT 'Billed duration in ms.',
  `memory_size_mb`              int COMMENT 'Configured memory in MB.',
  `max_memory_used_mb`          int COMMENT 'Peak memory used in MB.',
  `init_duration_ms`            double COMMENT 'Init duration in ms; present only on cold starts.',
  `restore_duration_ms`         double COMMENT 'SnapStart restore duration in ms.',
  `billed_restore_duration_ms`  bigint COMMENT 'SnapStart billed restore duration in ms.',
  `status`                      string COMMENT 'Invocation status from REPORT / platform.report: success, error, timeout...',
  `http_method`                 string COMMENT 'HTTP method of an API Gateway request.',
  `resource_path`               string COMMENT 'API Gateway resource path or route key.',
  `status_code`                 int COMMENT 'HTTP status code.',
  `latency_ms`                  double COMMENT 'API Gateway response latency in ms.',
  `integration_latency_ms`      double COMMENT 'API Gateway integration latency in ms.',
  `source_ip`                   string COMMENT 'Client IP address.',
  `user_agent`                  string COMMENT 'Client user agent.',
  `response_length`             bigint COMMENT 'Response length in bytes.',
  `api_id`                      string COMMENT 'API Gateway API id.',
  `stage`                       string COMMENT 'API Gateway stage.'
)
COMMENT 'Every Parquet object of the lake, live or not: query the events view instead.'
PARTITIONED BY (
  `dt` string COMMENT 'UTC day of the event time, yyyy-MM-dd.',
  `hour` int COMMENT 'UTC hour of the event time, 0-23.'
)
STORED AS PARQUET
LOCATION '${location}/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'parquet.compression' = 'ZSTD',
  'classification' = 'parquet',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2020-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'projection.hour.type' = 'integer',
  'projection.hour.range' = '0,23',
  'projection.hour.digits' = '2',
  'storage.location.template' = '${location}/dt=${dt}/hour=${hour}/'
);
