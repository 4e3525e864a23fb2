"""The parser Lambda for Kinesis mode (CloudWatch Logs → a Kinesis stream → this function): a batch of
records in, one object per event hour out; the batch succeeds or fails whole. The wiring is in
`functions/parser/wiring.py`, the batching in `functions/parser/kinesis_batch.py`."""

from __future__ import annotations

from functions.parser.entry import lambda_entry
from functions.parser.wiring import handle_kinesis

lambda_handler = lambda_entry(handle_kinesis, service="loglake-parser-kinesis")
