"""Synthetic CloudWatch Logs subscription deliveries with ground truth.

`generate()` renders a realistic day of Lambda functions and an API Gateway stage into the payloads
the parser receives, and returns the truth they were rendered from, so tests can compute expected
answers without the parser.
"""

from loglake.synth.catalog import FUNCTIONS, FunctionSpec
from loglake.synth.lines import ACCESS_FORMATS
from loglake.synth.payloads import decode, kinesis_event
from loglake.synth.scenario import generate
from loglake.synth.truth import ApiRequest, Dataset, Invocation

__all__ = [
    "ACCESS_FORMATS",
    "FUNCTIONS",
    "ApiRequest",
    "Dataset",
    "FunctionSpec",
    "Invocation",
    "decode",
    "generate",
    "kinesis_event",
]
