"""Which entries answer a coded question from an EHR, and for which reader: the matching both the HL7
Infobutton endpoint and the CDS Hooks service use.

A code matches the entries that carry it; an ICD-10-CM code also matches up its hierarchy (a request for
M17.11 finds an entry coded M17), nearest level first, then by each kind's ``infobutton_rank`` in the registry:
conditions before special populations, then treatments and topics, so a problem code leads with the page about
the problem.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urljoin

from painguide import urls
from painguide.content import codes, kinds
from painguide.content.schema import EntryModel
from painguide.serve.release import Release

MAX_ENTRIES = 5  # the ceiling; MedlinePlus Connect answers a problem code with up to 3 topics


@dataclass(frozen=True)
class Answer:
    """One entry, as a given reader should see it."""

    entry: EntryModel
    url: str  # absolute
    patient: bool  # the plain-language patient page (else the clinician page)


def by_code(release: Release, system: str | None, code: str) -> list[EntryModel]:
    """Entries carrying ``code`` (any system when ``system`` is None), nearest ICD-10-CM level first."""
    code = code.strip()
    systems = [system] if system else list(codes.OIDS)
    for name in systems:
        levels = codes.icd10cm_ancestors(code) if name == "icd10cm" else [code]
        for level in levels:
            if found := release.codes.get((name, level)):
                return sorted(found, key=lambda e: (kinds.BY_TYPE[e.type].infobutton_rank, e.title.lower()))
    return []


def public_base(release: Release, site_url: str | None) -> str:
    """The site's public address: PAINGUIDE_SITE_URL, else the one it was built for; never a request's Host."""
    return site_url or release.site_url or "/"


def public_url(release: Release, site_url: str | None, page: str) -> str:
    """The absolute URL of a site page (a docs-relative Markdown path)."""
    return urljoin(public_base(release, site_url), urls.url(page).lstrip("/"))


def for_reader(release: Release, site_url: str | None, entries: Iterable[EntryModel], patient: bool) -> list[Answer]:
    """At most MAX_ENTRIES answers: for a patient only entries with a patient page, linked to that page."""
    out: list[Answer] = []
    for entry in entries:
        if patient and entry.patient is None:
            continue
        page = urls.patient_page(entry) if patient else urls.entry_page(entry)
        out.append(Answer(entry, public_url(release, site_url, page), patient))
        if len(out) == MAX_ENTRIES:
            break
    return out
