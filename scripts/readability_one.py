"""Print the reading grade and word count of the patient layer of the given entry files."""

import sys
from pathlib import Path

import yaml

from painguide.content.readability import measure
from painguide.content.schema import PatientLayer

if __name__ == "__main__":
    for name in sys.argv[1:]:
        data = yaml.safe_load(Path(name).read_text(encoding="utf-8"))
        if not data.get("patient"):
            print(f"{name}: no patient layer")
            continue
        r = measure(data["id"], PatientLayer.model_validate(data["patient"]))
        flag = "OK" if r.grade <= 8 and r.words >= 150 else "REWRITE"
        print(f"{name}: grade {r.grade}  words {r.words}  {flag}")
