"""Write the artifacts generated from the schema into infra/ (`python -m schemas.render`).

A test renders them again and fails when the committed files drift from `schemas/`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.cloudformation import glue_table_input
from schemas.dashboards import dashboards_ndjson
from schemas.events import EVENTS
from schemas.glue import glue_ddl
from schemas.lake import EVENT_COMMITS, EVENT_OBJECTS, events_view_sql
from schemas.opensearch import index_template, ism_policy

REPO = Path(__file__).resolve().parent.parent


def _json(document: object) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def artifacts() -> dict[str, str]:
    """Relative path under the repo → file content."""
    return {
        "infra/athena/tables/events_objects.sql": glue_ddl(EVENT_OBJECTS),
        "infra/athena/tables/events_commits.sql": glue_ddl(EVENT_COMMITS),
        "loglake/sql/views/events.sql": events_view_sql(),
        "infra/glue/events-objects-table-input.json": _json(glue_table_input(EVENT_OBJECTS)),
        "infra/glue/events-commits-table-input.json": _json(glue_table_input(EVENT_COMMITS)),
        "infra/opensearch/index-template.json": json.dumps(index_template(EVENTS), indent=2) + "\n",
        "infra/opensearch/ism-policy.json": json.dumps(ism_policy(), indent=2) + "\n",
        "infra/opensearch/dashboards.ndjson": dashboards_ndjson(),
    }


def main() -> int:
    for rel, content in artifacts().items():
        path = REPO / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
