"""The parser Lambda for direct subscriptions (CloudWatch Logs → this function): one payload per
invocation; one that can't be decoded or stored fails the invocation, so Lambda retries it and then
dead-letters it. The wiring is in `functions/parser/wiring.py`."""

from __future__ import annotations

from functions.parser.entry import lambda_entry
from functions.parser.wiring import handle_direct

lambda_handler = lambda_entry(handle_direct, service="loglake-parser")
