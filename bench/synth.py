"""Synthetic PainGuide corpora and query sets for the benchmarks, deterministic from a seed.

Documents have the shape of ``painguide.search.entry_document`` output and ~950 words each, drawn
from a realistic vocabulary: the words of the real corpus in ``guidelines/`` ranked by how often they
occur there, followed by generated medical-ish words (``myelopathy``, ``duloxazole`` …), sampled with a
Zipf distribution. About a quarter of every text is copied as short runs from the real corpus so that
two- and three-word phrases occur the way they do in real prose.

Every document is generated from its own ``Random(seed, i)``, so document ``i`` is the same whatever
the corpus size, and generation streams (a 100k corpus is never held in memory).

    from bench.synth import Vocabulary, documents
    vocab = Vocabulary.from_guidelines(Path("guidelines"))
    build_index(documents(10_000, vocab, seed=1), out, synonyms=vocab.synonyms)
"""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from painguide import search
from painguide.content import validate as catalog_mod

# Words per field, scaled from the real corpus's averages (title 4.5, aliases 38, summary 34,
# clinician 461, patient 197, trainer 103 words) up to ~950 words per document.
FIELD_WORDS = {"summary": 40, "clinician": 560, "patient": 250, "trainer": 130}  # + title and aliases
ZIPF_S = 1.07
SYNTHETIC_WORDS = 40_000
PHRASE_SHARE = 0.25  # share of body words copied as 2-5 word runs of real text

TYPES = [  # (type, weight): the real corpus's mix
    ("treatment", 33),
    ("barrier", 10),
    ("data-element", 10),
    ("module", 10),
    ("team-question", 8),
    ("topic", 7),
    ("component", 5),
]
COMPONENTS = [
    "medications",
    "behavioral-health",
    "complementary-integrative-health",
    "interventional-procedures",
    "restorative-therapies",
]
AUDIENCES = [("clinician,patient,trainer", 55), ("clinician,trainer", 18), ("trainer", 10)]
SECTIONS = {
    "treatment": "treatments",
    "barrier": "barriers",
    "data-element": "data-elements",
    "module": "modules",
    "team-question": "team",
    "topic": "topics",
    "component": "components",
}

_PREFIXES = [
    "arthro",
    "cardio",
    "cervico",
    "chondro",
    "dermo",
    "encephalo",
    "fibro",
    "gastro",
    "hemo",
    "hepato",
    "lumbo",
    "myelo",
    "myo",
    "nephro",
    "neuro",
    "osteo",
    "patello",
    "pharmaco",
    "psycho",
    "radiculo",
    "sacro",
    "spondylo",
    "teno",
    "thoraco",
    "vaso",
    "angio",
    "costo",
    "sclero",
    "synovio",
    "plantar",
]
_SUFFIXES = [
    "algia",
    "itis",
    "pathy",
    "ectomy",
    "otomy",
    "plasty",
    "osis",
    "genic",
    "logy",
    "lysis",
    "desis",
    "dynia",
    "trophy",
    "spasm",
    "tropic",
    "scopy",
    "gram",
    "plegia",
    "malacia",
    "stenosis",
]
_DRUG_ENDINGS = [
    "azole",
    "oxetine",
    "pril",
    "sartan",
    "mab",
    "statin",
    "caine",
    "profen",
    "codone",
    "morphone",
    "pentin",
    "gabalin",
    "triptan",
    "olol",
    "afil",
    "dronate",
    "lukast",
    "tidine",
    "prazole",
    "zepam",
]
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
_WORD = re.compile(r"[a-z]+")


def _medical_words(n: int, seed: int) -> list[str]:
    rng = random.Random(f"vocab:{seed}")
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        kind = rng.random()
        if kind < 0.45:
            word = rng.choice(_PREFIXES) + rng.choice(_SYLLABLES) * rng.randint(0, 1) + rng.choice(_SUFFIXES)
        elif kind < 0.8:
            word = "".join(rng.choices(_SYLLABLES, k=rng.randint(1, 3))) + rng.choice(_DRUG_ENDINGS)
        else:
            word = "".join(rng.choices(_SYLLABLES, k=rng.randint(3, 5)))
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


@dataclass
class Vocabulary:
    """Ranked words (Zipf weights), the real corpus as a token stream, and the real labels."""

    words: list[str]
    cum_weights: list[float]
    stream: list[str]  # the real corpus's words in order, for phrase runs
    titles: list[str]
    aliases: list[str]
    synonyms: list[list[str]]
    real_words: int

    @classmethod
    def from_guidelines(cls, content: Path, seed: int = 1, synthetic: int = SYNTHETIC_WORDS) -> Vocabulary:
        catalog = catalog_mod.load(content)
        docs = list(search.catalog_documents(catalog))
        stream: list[str] = []
        titles: list[str] = []
        aliases: list[str] = []
        for doc in docs:
            for name in ("title", "aliases", "summary", "clinician", "patient", "trainer"):
                stream += _WORD.findall(doc[name].lower())
            titles.append(doc["title"])
            aliases += [a for a in doc["aliases"].split(" ; ") if a]
        counts = Counter(stream)
        real = [w for w, _ in counts.most_common()]
        known = set(real)
        extra = [w for w in _medical_words(synthetic, seed) if w not in known]
        words = real + extra
        cum_weights = list(itertools.accumulate(1.0 / (rank**ZIPF_S) for rank in range(1, len(words) + 1)))
        return cls(words, cum_weights, stream, titles, aliases, search.synonym_groups(catalog), len(real))

    def sample(self, rng: random.Random, n: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cum_weights, k=n)

    def text(self, rng: random.Random, n: int) -> str:
        """About ``n`` words: Zipf-sampled words with real-text runs, in sentences."""
        out: list[str] = []
        zipf = self.sample(rng, n)
        z = 0
        while len(out) < n:
            if rng.random() < PHRASE_SHARE / 3.5:  # runs average 3.5 words
                start = rng.randrange(len(self.stream) - 5)
                out += self.stream[start : start + rng.randint(2, 5)]
            else:
                out.append(zipf[z])
                z += 1
        out = out[:n]
        # sentences of 8-24 words, so highlights and fragments look like prose
        i, sentences = 0, []
        while i < len(out):
            j = i + rng.randint(8, 24)
            sentence = " ".join(out[i:j])
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
            i = j
        return " ".join(sentences)


def document(i: int, vocab: Vocabulary, seed: int = 1) -> dict[str, str]:
    rng = random.Random(f"doc:{seed}:{i}")
    kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    component = rng.choice(COMPONENTS) if kind in {"treatment", "component"} else ""
    audience = rng.choices([a for a, _ in AUDIENCES], weights=[w for _, w in AUDIENCES])[0]
    if kind == "module":
        audience = "trainer"
    doc_id = f"syn-{i:06d}"
    # Titles: a real title or alias plus a rarer word, so titles are many and mostly distinct.
    base = rng.choice(vocab.titles if rng.random() < 0.5 else vocab.aliases)
    title = f"{base} {vocab.words[vocab.real_words + rng.randrange(len(vocab.words) - vocab.real_words)]}"
    aliases = [rng.choice(vocab.aliases) for _ in range(rng.randint(2, 6))]
    aliases += [" ".join(vocab.sample(rng, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
    tags = ",".join(
        sorted(
            {
                rng.choice(
                    [
                        "non-opioid",
                        "self-management",
                        "opioid-safety",
                        "policy",
                        "medications",
                        "monitoring",
                        "barriers",
                        "access",
                        "data",
                        "clinicians",
                        "education",
                        "assessment",
                        "rural",
                        "telehealth",
                    ]
                )
                for _ in range(rng.randint(1, 4))
            }
        )
    )
    doc = {
        "id": doc_id,
        "type": kind,
        "component": component if kind != "component" else doc_id,
        "audience": audience,
        "tag": tags,
        "url": f"/{SECTIONS[kind]}/{doc_id}.html",
        "title": title[:1].upper() + title[1:],
        "aliases": " ; ".join(dict.fromkeys(aliases)),
    }
    for name, n in FIELD_WORDS.items():
        words = max(1, int(rng.gauss(n, n * 0.25)))
        doc[name] = "" if name == "patient" and "patient" not in audience else vocab.text(rng, words)
    return doc


def documents(n: int, vocab: Vocabulary, seed: int = 1) -> Iterator[dict[str, str]]:
    for i in range(n):
        yield document(i, vocab, seed)


# --- queries -------------------------------------------------------------------------------------

QUESTION_STARTS = ["what is", "how do i", "can i use", "is", "when should i stop", "does"]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(4)
    if op == 0:  # drop a letter
        return word[:i] + word[i + 1 :]
    if op == 1:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 2:  # double a letter
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice("aeiourstnl") + word[i + 1 :]  # replace one


def queries(vocab: Vocabulary, n: int = 400, seed: int = 7) -> list[str]:
    """``n`` distinct plain-text queries (see ``queries_with_kind``)."""
    return [q for _, q in queries_with_kind(vocab, n, seed)]


def queries_with_kind(vocab: Vocabulary, n: int = 400, seed: int = 7) -> list[tuple[str, str]]:
    """``n`` distinct (kind, query) pairs: single words, 2-3 word phrases, glossary names, typos,
    question-style sentences, in the mix a search box sees."""
    rng = random.Random(f"queries:{seed}")
    labels = [lbl for lbl in dict.fromkeys(vocab.titles + vocab.aliases) if len(lbl) < 60]
    names = [name for group in vocab.synonyms for name in group]
    content = [w for w in vocab.words[: vocab.real_words] if len(w) > 3 and w not in search.STOP_WORDS][:3000]
    out: dict[str, str] = {}
    while len(out) < n:
        kind = rng.random()
        if kind < 0.25:  # one word, a frequent-to-rare topic word
            kind, q = "word", rng.choice(content[:1500])
        elif kind < 0.45:  # a title or alias as typed ("low back pain", "opioid tapering")
            kind, q = "title/alias", rng.choice(labels).lower()
        elif kind < 0.55:  # a glossary name or abbreviation ("mme", "tens", "cbt")
            kind, q = "glossary", rng.choice(names)
        elif kind < 0.70:  # two or three topic words
            kind, q = "2-3 words", " ".join(rng.sample(content[:1500], rng.randint(2, 3)))
        elif kind < 0.85:  # a typo in one or two words
            words = rng.choice(labels + content[:800]).lower().split()
            k = rng.randrange(len(words))
            words[k] = _typo(rng, words[k])
            if len(words) > 2 and rng.random() < 0.3:
                k = rng.randrange(len(words))
                words[k] = _typo(rng, words[k])
            kind, q = "typo", " ".join(words)
        else:  # a question
            kind, q = "question", f"{rng.choice(QUESTION_STARTS)} {rng.choice(labels).lower()}"
        out.setdefault(q, kind)
    return [(kind, q) for q, kind in out.items()]
