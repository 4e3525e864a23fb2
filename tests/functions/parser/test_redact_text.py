"""The redaction pre-check: the lowered trigger (`prefilter`) finds every value the trigger finds.

`redact.py` skips a row when the prefilter, run over the row's free-text columns joined and lowered by
ASCII rules, finds nothing; so a value the case-insensitive trigger matches but the prefilter misses
would be stored unredacted. Both patterns run in RE2 (Arrow), as in the redactor.
"""

from __future__ import annotations

import json
import re
from itertools import combinations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from functions.parser.redact_text import FAMILIES, TRIGGERS, prefilter, trigger
from tests.support import EVENTS

SETS = [frozenset(c) for n in range(1, len(FAMILIES) + 1) for c in combinations(FAMILIES, n)]


def missed(texts: list[str], families: frozenset[str]) -> list[str]:
    """The texts the trigger matches and the prefilter, on their lowered form, does not."""
    values = pa.array(texts, pa.string())
    found = pc.match_substring_regex(values, trigger(families)).to_pylist()
    pre = pc.match_substring_regex(pc.ascii_lower(values), prefilter(families)).to_pylist()
    return [text for text, hit, seen in zip(texts, found, pre, strict=True) if hit and not seen]


def corpus_texts() -> list[str]:
    texts = []
    for name in ("leaks.jsonl", "keep.jsonl"):
        for line in (EVENTS / "secrets" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["message"])
    return texts


@pytest.mark.parametrize("families", SETS, ids=lambda f: "+".join(sorted(f)))
def test_prefilter_finds_every_corpus_line_the_trigger_finds(families: frozenset[str]) -> None:
    texts = corpus_texts()
    assert any(pc.match_substring_regex(pa.array(texts), trigger(families)).to_pylist())  # the check checks
    assert missed(texts, families) == []


def test_prefilter_finds_case_variants_and_the_letters_that_fold_to_ascii() -> None:
    texts = [
        "PASSWORD=x",
        "Api-Key: 1",
        "AKIAIOSFODNN7EXAMPLE",
        "x-API_KEY",
        "Pa\u017fSword=x",
        "TOKEN",
        "sig:",
        "SIG\t",
    ]
    texts += ["-----BEGIN RSA PRIVATE KEY-----", "\\U0041KIA", "POSTGRES://U:P@H", "Bearer abc", "Secret\u212aey"]
    assert missed(texts, frozenset(FAMILIES)) == []
    assert all(pc.match_substring_regex(pa.array(texts[:5]), trigger(frozenset(FAMILIES))).to_pylist())


def test_prefilter_is_quiet_on_lines_without_a_trigger() -> None:
    lines = ["START RequestId: 1 Version: $LATEST", "[ERROR] KeyError: 'id'", "processed order 12"]
    values = pc.ascii_lower(pa.array(lines))
    assert pc.match_substring_regex(values, prefilter(frozenset(FAMILIES))).to_pylist() == [False] * 3


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FAMILIES).flatmap(lambda f: st.tuples(st.just(f), st.from_regex(re.compile(TRIGGERS[f])))))
def test_prefilter_finds_generated_matches_of_each_trigger(case: tuple[str, str]) -> None:
    family, text = case
    assert missed([text, text.upper(), text.swapcase()], frozenset([family])) == []
