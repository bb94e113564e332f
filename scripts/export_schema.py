"""Write guidelines/schema.json (YAML editors validate content files against it)."""

import json
from pathlib import Path

from painguide.content.schema import json_schema

TARGET = Path(__file__).resolve().parent.parent / "guidelines" / "schema.json"


def render() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(), encoding="utf-8")
    print(f"wrote {TARGET}")
