"""The parser Lambda for Kinesis mode (CloudWatch Logs → a Kinesis stream → this function): each
record on its own, the failed ones reported as `batchItemFailures`. The wiring is in
`functions/parser/wiring.py`."""

from __future__ import annotations

from functions.parser.entry import lambda_entry
from functions.parser.wiring import handle_kinesis

lambda_handler = lambda_entry(handle_kinesis, service="loglake-parser-kinesis")
