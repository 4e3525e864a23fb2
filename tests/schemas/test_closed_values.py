"""record_type and level have one list of values each, in schemas/events.py, and every artifact that
describes them is generated from it."""

from __future__ import annotations

import json
from pathlib import Path

from schemas.events import EVENTS, LEVELS, RECORD_TYPES

INFRA = Path(__file__).resolve().parents[2] / "infra"


def test_the_opensearch_template_carries_the_lists() -> None:
    template = json.loads((INFRA / "opensearch" / "index-template.json").read_text(encoding="utf-8"))
    values = template["template"]["mappings"]["_meta"]["values"]
    assert values == {"record_type": list(RECORD_TYPES), "level": list(LEVELS)}


def test_the_glue_and_athena_comments_name_every_value() -> None:
    ddl = (INFRA / "athena" / "tables" / "events_objects.sql").read_text(encoding="utf-8")
    glue = json.loads((INFRA / "glue" / "events-objects-table-input.json").read_text(encoding="utf-8"))
    comments = {c["Name"]: c["Comment"] for c in glue["StorageDescriptor"]["Columns"]}
    for column, values in (("record_type", RECORD_TYPES), ("level", LEVELS)):
        line = next(line for line in ddl.splitlines() if f"`{column}`" in line)
        assert all(value in line for value in values)
        assert comments[column] == EVENTS.column(column).described
        assert all(value in comments[column] for value in values)


def test_the_lists_have_no_duplicates_and_name_the_new_platform_types() -> None:
    assert len(set(RECORD_TYPES)) == len(RECORD_TYPES)
    assert {"init_runtime_done", "restore_runtime_done", "logs_dropped", "platform"} <= set(RECORD_TYPES)
    assert LEVELS == ("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
