"""CloudWatch Logs' own query languages over the lake.

- Filter patterns (metric filters, subscription filters, FilterLogEvents): `filter_parser` reads a
  pattern into the typed tree of `filter_ast`; `filter_eval` is the exact reference evaluator in
  Python; `filter_sql` translates the same tree into an Athena (Trino) SQL predicate over `events`.
- Logs Insights queries: `insights_parser` reads a query into `insights_ast`; `insights_sql`
  translates it into one Athena (Trino) SQL statement over `events`.

Both parsers are hand-written recursive descent parsers with their grammar in their docstring, and
both raise `QuerySyntaxError`, which names the position of the problem.
"""
