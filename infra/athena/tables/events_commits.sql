CREATE EXTERNAL TABLE IF NOT EXISTS `${database}`.`events_commits` (
  `generation`    string COMMENT 'The compaction generation (digest of its input file names).',
  `file`          string COMMENT 'Object file name inside the partition folder.',
  `change`        string COMMENT '''added'' (the compacted output) or ''removed'' (an input it replaces).',
  `committed_at`  timestamp COMMENT 'When the generation became visible (UTC, ms).'
)
COMMENT 'Compactor commits: the objects each committed generation added to or removed from a partition.'
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
