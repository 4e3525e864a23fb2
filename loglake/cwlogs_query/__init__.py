"""CloudWatch Logs' own query languages over the lake.

- Filter patterns (metric filters, subscription filters, FilterLogEvents): `filter_parser` reads a
  pattern into the typed tree of `filter_ast`; `filter_eval` is the exact reference evaluator in
  Python; `filter_sql` translates the same tree into an Athena (Trino) SQL predicate over `events`.
- Logs Insights queries: `insights_parser` (commands) and `insights_expr_parser` (expressions) read
  a query into `insights_ast`; `insights_sql` (one CTE per command) and `insights_expr_sql` (typed
  expressions, `insights_functions`) translate it into one Athena (Trino) SQL statement.
- `scope`: log groups and time range; `saved_questions`: Insights queries kept as saved questions.

Both parsers are hand-written recursive descent parsers (`scanner` holds what they share) with
their grammar in their docstring, and both raise `QuerySyntaxError`, which names the position.
"""
