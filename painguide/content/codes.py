"""Clinical codes on entries: which systems we accept and how each code is checked.

ICD-10-CM is checked offline against the code set bundled with ``simple-icd-10-cm`` (CMS's release). No
offline package validates RxNorm, SNOMED CT or LOINC, so those are checked for shape here and for recorded
provenance (``guidelines/codes.yaml``, one source per code) by the validator.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, ValidationInfo, model_validator

from painguide.content.fields import Strict, Text

# HL7 OIDs of the code systems (HL7 Infobutton URL-based IG; OpenInfobutton's terminology list).
OIDS: dict[str, str] = {
    "icd10cm": "2.16.840.1.113883.6.90",
    "rxnorm": "2.16.840.1.113883.6.88",
    "snomed": "2.16.840.1.113883.6.96",
    "loinc": "2.16.840.1.113883.6.1",
}
SYSTEM_BY_OID: dict[str, str] = {oid: system for system, oid in OIDS.items()}
# FHIR canonical URIs of the same systems (CDS Hooks prefetch resources carry these, not OIDs).
URIS: dict[str, str] = {
    "icd10cm": "http://hl7.org/fhir/sid/icd-10-cm",
    "rxnorm": "http://www.nlm.nih.gov/research/umls/rxnorm",
    "snomed": "http://snomed.info/sct",
    "loinc": "http://loinc.org",
}
SYSTEM_BY_URI: dict[str, str] = {uri: system for system, uri in URIS.items()}
LABELS: dict[str, str] = {"icd10cm": "ICD-10-CM", "rxnorm": "RxNorm", "snomed": "SNOMED CT", "loinc": "LOINC"}
_SHAPES: dict[str, re.Pattern[str]] = {
    "icd10cm": re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"),
    "rxnorm": re.compile(r"^[1-9][0-9]{0,8}$"),
    "snomed": re.compile(r"^[1-9][0-9]{5,17}$"),
    "loinc": re.compile(r"^[1-9][0-9]{0,7}-[0-9]$"),
}


@cache
def icd10cm_valid(code: str) -> bool:
    """A category, subcategory or billable code in the bundled ICD-10-CM (not a chapter or block)."""
    # Imported on first use: it loads the whole code set (CMS's April 2026 release in 1.5.0), about a second.
    # It reads its data with importlib.resources.read_text, deprecated since Python 3.11: that warning is
    # the package's, not ours, and strict test runs turn warnings into errors.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm as cm

    return bool(cm.is_valid_item(code) and (cm.is_category(code) or cm.is_subcategory(code)))


def icd10cm_ancestors(code: str) -> list[str]:
    """``code`` and the codes above it up to its three-character category, nearest first (M17.11, M17.1, M17).

    Works on the code's text, so it also walks up codes that are not in the code set."""
    code = code.strip().upper()
    if "." not in code:
        return [code] if code else []
    head, tail = code.split(".", 1)
    return [f"{head}.{tail[:n]}" for n in range(len(tail), 0, -1)] + [head]


def problem(system: str, code: str) -> str | None:
    """Why ``code`` is not a valid code of ``system``, or None."""
    shape = _SHAPES.get(system)
    if shape is None:
        return f"unknown code system '{system}'"
    if not shape.match(code):
        return f"'{code}' is not shaped like a {LABELS[system]} code"
    if system == "icd10cm" and not icd10cm_valid(code):
        return f"'{code}' is not an ICD-10-CM code (checked against the CMS code set in simple-icd-10-cm)"
    return None


CodeSystem = Literal["icd10cm", "rxnorm", "snomed", "loinc"]


class Code(Strict):
    """A code in a clinical terminology that points to this entry (problem lists, medication lists)."""

    system: CodeSystem
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    display: Text = Field(max_length=200)

    @model_validator(mode="after")
    def _known_code(self, info: ValidationInfo) -> Code:
        # Content read back from a build was checked when it was built (loading the code set takes a second).
        if not (info.context or {}).get("trusted") and (why := problem(self.system, self.code)):
            raise ValueError(why)
        return self


class CodeRecord(Code):
    """Where a code without an offline validator (RxNorm, SNOMED CT, LOINC) was confirmed: codes.yaml."""

    confirmed: Text = Field(description="The public source the code was checked against, and what it showed.")


class CodeRegistry(Strict):
    codes: Annotated[list[CodeRecord], Field(min_length=1, max_length=2000)]
