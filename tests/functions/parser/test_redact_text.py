"""The redaction pre-check: the trigger, compiled once by RE2's own binding, run over a column's bytes whole.

`redact.py` skips a column when the trigger finds nothing in its values' bytes back to back, and reads
into Python only the values the trigger matches one by one; so a value the trigger matches on its own but
the column-whole search misses, or a value the binding judges otherwise than RE2 in Arrow does (the
engine the rest of the redactor and the views use), would be stored unredacted. Arrow is the independent
judge here.
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

from functions.parser.redact import compiled_trigger, utf8_texts
from functions.parser.redact_text import FAMILIES, TRIGGERS, trigger
from tests.support import EVENTS

SETS = [frozenset(c) for n in range(1, len(FAMILIES) + 1) for c in combinations(FAMILIES, n)]
ALL = frozenset(FAMILIES)
CASES = [
    "PASSWORD=x",
    "Api-Key: 1",
    "AKIAIOSFODNN7EXAMPLE",
    "x-API_KEY",
    "Pa\u017fSword=x",  # the long s, which case folding makes an s
    "Secret\u212aey",  # the Kelvin sign, folded to k
    "TOKEN",
    "sig:",
    "SIG\t",
    "-----BEGIN RSA PRIVATE KEY-----",
    "\\u0041KIA",
    "POSTGRES://U:P@H",
    "Bearer abc",
    "é sig€",
]


def judged_apart(texts: list[str], families: frozenset[str]) -> list[str]:
    """The texts on which RE2's binding (as the redactor runs it) and RE2 in Arrow disagree."""
    in_bytes, in_text = compiled_trigger(families)
    arrow = pc.match_substring_regex(pa.array(texts, pa.string()), trigger(families)).to_pylist()
    return [
        text
        for text, expected in zip(texts, arrow, strict=True)
        if bool(in_text.search(text)) != expected or bool(in_bytes.search(text.encode())) != expected
    ]


def column_check(column: pa.ChunkedArray, families: frozenset[str]) -> bool:
    in_bytes, _ = compiled_trigger(families)
    return any(in_bytes.search(text) for text in utf8_texts(column))


def corpus_texts() -> list[str]:
    texts = []
    for name in ("leaks.jsonl", "keep.jsonl"):
        for line in (EVENTS / "secrets" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["message"])
    return texts


@pytest.mark.parametrize("families", SETS, ids=lambda f: "+".join(sorted(f)))
def test_the_binding_and_arrow_agree_on_every_corpus_line(families: frozenset[str]) -> None:
    texts = corpus_texts()
    arrow = pc.match_substring_regex(pa.array(texts), trigger(families)).to_pylist()
    assert any(arrow) and not all(arrow)  # the corpus has lines of both kinds
    assert judged_apart(texts, families) == []


def test_the_binding_folds_case_as_arrow_does() -> None:
    texts = CASES + [text.lower() for text in CASES] + [text.swapcase() for text in CASES]
    assert judged_apart(texts, ALL) == []
    assert all(compiled_trigger(ALL)[1].search(text) for text in CASES[:6])  # the check checks


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(FAMILIES).flatmap(lambda f: st.tuples(st.just(f), st.from_regex(re.compile(TRIGGERS[f])))))
def test_the_binding_and_arrow_agree_on_generated_matches_of_each_trigger(case: tuple[str, str]) -> None:
    family, text = case
    assert judged_apart([text, text.upper(), text.swapcase()], frozenset([family])) == []


def test_the_trigger_asserts_nothing_about_where_a_value_begins_or_ends() -> None:
    """What makes the column-whole search sound: with no anchor or word boundary, a match in a value is a
    match in any text holding that value."""
    pattern = trigger(ALL)
    unescaped = re.sub(r"\\\\", "", pattern)
    assert not re.search(r"\\[bBAzZ]|[$^]|\(\?[a-z-]*m", unescaped.replace("[^", "[")), pattern


def test_the_column_check_is_quiet_on_lines_without_a_trigger() -> None:
    lines = ["START RequestId: 1 Version: $LATEST", "[ERROR] KeyError: 'id'", "processed order 12", None]
    assert not column_check(pa.chunked_array([pa.array(lines)]), ALL)


texts = st.one_of(st.none(), st.text(max_size=30), st.sampled_from(CASES))


@settings(max_examples=300, deadline=None)
@given(
    chunks=st.lists(st.lists(texts, max_size=8), min_size=1, max_size=4),
    cut=st.tuples(st.integers(0, 6), st.integers(0, 6)),
    large=st.booleans(),
)
def test_the_column_check_finds_every_column_holding_a_value_the_trigger_matches(
    chunks: list[list[str | None]], cut: tuple[int, int], large: bool
) -> None:
    """Whatever the chunking, slicing (offsets into shared buffers) and offset width."""
    kind = pa.large_string() if large else pa.string()
    column = pa.chunked_array([pa.array(chunk, kind) for chunk in chunks], kind)
    column = column.slice(cut[0], max(0, len(column) - cut[0] - cut[1]))
    values = [value for value in column.to_pylist() if value is not None]
    holds = bool(values) and any(pc.match_substring_regex(pa.array(values, pa.string()), trigger(ALL)).to_pylist())
    assert column_check(column, ALL) or not holds
