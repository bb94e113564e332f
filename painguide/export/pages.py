"""Self-contained HTML pages for a module's cartridge: its lessons, handout, case, assignment and answer key.

Each page carries its own small stylesheet and no script, and links only to its sibling pages (relative
paths inside the module's folder) or to the public sources, so it reads the same inside any LMS, unzipped
from a file manager, or printed. Markdown fields are rendered with the site's extensions and cleaned with
the content allow-list (painguide.content.markup), the same rules a field was validated against.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import cache
from html import unescape
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape
from pydantic import BaseModel

from painguide import urls
from painguide.content import markup, reading
from painguide.content.catalog import Catalog
from painguide.content.schema import CareOption, Entry, Module, SourceRef

# List fields that hold plain text (one line each), not Markdown.
_PLAIN_LISTS = frozenset({"questions_to_ask"})
# The project's licence (pyproject.toml) and terms (docs/about.md); no separate content licence is stated.
RIGHTS = "PainGuide is released under the MIT License; the sources it cites belong to their publishers."


@dataclass(frozen=True)
class Page:
    """One HTML page of a module's cartridge; ``name`` is its file name inside the module's folder."""

    name: str
    title: str
    html: str
    instructor: bool = False


@dataclass(frozen=True)
class _Link:
    href: str
    title: str


_HREF = re.compile(r' href="([^"]*)"')  # nh3 writes every attribute this way


@dataclass
class _Renderer:
    """Markdown to clean HTML (painguide.content.markup.render_markdown), with the links made to work here.

    Content may link to another page of the site relatively (``../../tools/planner.md``, as MkDocs resolves
    it from the page the text is on): in a cartridge that becomes the page's absolute address on the site,
    or no link at all when the site's address is unknown.
    """

    site_url: str | None

    def markdown(self, text: str, src: str) -> Markup:
        html = markup.render_markdown(text)  # the extensions and allow-list content was validated against
        return Markup(_HREF.sub(lambda m: self._href(unescape(m.group(1)), src), html))

    def _href(self, href: str, src: str) -> str:
        if urlsplit(href).scheme or href.startswith("#"):
            return f' href="{escape(href)}"'
        path, _, fragment = href.partition("#")
        target = posixpath.normpath(posixpath.join(posixpath.dirname(src), path))
        if self.site_url is None or target.startswith(".."):
            return ""  # an <a> without href: the text stays, the dead link goes
        address = urls.url(target) if target.endswith(".md") else "/" + target
        absolute = self.site_url.rstrip("/") + address + ("#" + fragment if fragment else "")
        return f' href="{escape(absolute)}"'


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("painguide.export", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def lesson_name(index: int, entry_id: str) -> str:
    return f"lesson-{index:02d}-{entry_id}.html"


def _items(values: list[Markup]) -> Markup:
    return Markup("<ul>\n") + Markup("\n").join(Markup("<li>{}</li>").format(v) for v in values) + Markup("\n</ul>")


def _layer(model: BaseModel, catalog: Catalog, render: _Renderer, src: str) -> list[tuple[str, Markup]]:
    """Every filled field of a layer, titled with its schema title, in schema order."""
    out: list[tuple[str, Markup]] = []
    for name, title, value in reading.layer_fields(model):
        if isinstance(value, str):
            out.append((title, render.markdown(value, src)))
        elif isinstance(value, list) and value:
            if isinstance(value[0], CareOption):
                lines = [_care_option(option, catalog) for option in value]
            elif name in _PLAIN_LISTS:
                lines = [escape(v) for v in value]
            else:
                lines = [render.markdown(v, src) for v in value]
            out.append((title, _items(lines)))
    return out


def _care_option(option: CareOption, catalog: Catalog) -> Markup:
    target = catalog.entries.get(option.entry)
    return Markup("<strong>{}</strong> — {}").format(target.title if target else option.entry, option.why)


def _sources(refs: list[SourceRef], catalog: Catalog) -> list[dict[str, str | None]]:
    return [
        {"title": c.source.title, "url": c.source.url, "detail": c.detail or None}
        for c in reading.citations(refs, catalog)
    ]


def _page(module: Module, title: str, **values: object) -> str:
    context: dict[str, object] = {
        "module_title": module.title,
        "lead": None,
        "instructor": False,
        "sections": [],
        "sources": [],
        "previous": None,
        "next": None,
        "rights": RIGHTS,
    }
    return _environment().get_template("page.html").render({**context, **values, "title": title})


def _wants_clinician(module: Module) -> bool:
    return any(role != "patients" for role in module.audiences)


def lesson_pages(module: Module, catalog: Catalog, render: _Renderer, after: _Link) -> list[Page]:
    """One page per lesson: the focus, the summary, the layers the module's roles read, and the sources."""
    names = [lesson_name(i, lesson.entry) for i, lesson in enumerate(module.lessons, 1)]
    pages = []
    for i, lesson in enumerate(module.lessons):
        entry: Entry = catalog.entries[lesson.entry]
        sections: list[tuple[str, Markup]] = [("Focus", Markup("<p>{}</p>").format(lesson.focus))]
        if _wants_clinician(module):
            sections += _layer(entry.clinician, catalog, render, urls.entry_page(entry))
        if "patients" in module.audiences and entry.patient is not None:
            patient = _layer(entry.patient, catalog, render, urls.patient_page(entry))
            sections += [(f"For patients: {t}", body) for t, body in patient]
        previous = (
            _Link(names[i - 1], catalog.entries[module.lessons[i - 1].entry].title)
            if i
            else _Link("handout.html", "Learner handout")
        )
        following = (
            _Link(names[i + 1], catalog.entries[module.lessons[i + 1].entry].title) if i + 1 < len(names) else after
        )
        html = _page(
            module,
            f"Lesson {i + 1}: {entry.title}",
            lead=entry.summary,
            sections=sections,
            sources=_sources(entry.sources, catalog),
            previous=previous,
            next=following,
        )
        pages.append(Page(names[i], f"Lesson {i + 1}: {entry.title}", html))
    return pages


def _vignette_sections(module: Module, render: _Renderer) -> list[tuple[str, Markup]]:
    v = module.vignette
    return [
        (reading.titled(reading.Case.label, v.title), render.markdown(v.text, urls.module_page(module.id))),
        (reading.Case.discuss, _items([escape(p) for p in v.discussion_prompts])),
    ]


def _assignment(module: Module, render: _Renderer) -> tuple[str, Markup]:
    a = module.assignment
    return reading.titled(reading.Task.label, a.title), render.markdown(a.instructions, urls.module_page(module.id))


def _handout_sections(
    part: reading.HandoutSection, module: Module, lessons: list[str], catalog: Catalog, render: _Renderer
) -> list[tuple[str, Markup]]:
    """One section of the handout as (title, HTML) pairs (the case is two: the story, then its prompts)."""
    match part:
        case reading.Objectives():
            return [(part.title, _items([escape(o) for o in part.objectives]))]
        case reading.Readings():
            items = [
                Markup('<li><a href="{}">{}</a> — {}</li>').format(
                    name, catalog.entries[lesson.entry].title, lesson.focus
                )
                for name, lesson in zip(lessons, part.lessons, strict=True)
            ]
            return [(part.title, Markup("<ol>\n{}\n</ol>").format(Markup("\n").join(items)))]
        case reading.Case():
            return _vignette_sections(module, render)
        case reading.KnowledgeCheck():
            questions = [
                Markup("<li><p>{}</p>{}</li>").format(
                    q.prompt, _items([Markup("{}. {}").format(letter, c) for letter, c in reading.lettered(q)])
                )
                for q in part.questions
            ]
            return [(part.title, Markup("<ol>\n{}\n</ol>").format(Markup("\n").join(questions)))]
        case reading.Task():
            return [_assignment(module, render)]


def module_pages(module: Module, catalog: Catalog, site_url: str | None = None) -> list[Page]:
    """Every page of a module, in reading order: handout, lessons, case, assignment, then the answer key.
    ``site_url`` turns the content's links to other pages of the site into absolute ones."""
    render = _Renderer(site_url)
    lessons = [lesson_name(i, lesson.entry) for i, lesson in enumerate(module.lessons, 1)]
    case = _Link("case.html", reading.titled(reading.Case.label, module.vignette.title))
    assignment = _assignment(module, render)
    handout = _page(
        module,
        f"{module.title}: learner handout",
        lead=module.summary,
        sections=[
            section
            for part in reading.handout(module)
            for section in _handout_sections(part, module, lessons, catalog, render)
        ],
        sources=_sources(module.sources, catalog),
        next=_Link(lessons[0], "Start with lesson 1"),
    )
    pages = [Page("handout.html", "Learner handout", handout)]
    pages += lesson_pages(module, catalog, render, after=case)
    pages.append(
        Page(
            "case.html",
            case.title,
            _page(
                module,
                case.title,
                sections=_vignette_sections(module, render),
                previous=_Link(lessons[-1], "Last lesson"),
            ),
        )
    )
    pages.append(Page("assignment.html", assignment[0], _page(module, assignment[0], sections=[assignment])))
    pages.append(Page("answer-key.html", "Answer key (instructors)", answer_key(module, catalog), instructor=True))
    return pages


def _where(entry_id: str, module: Module, catalog: Catalog) -> Markup:
    """Where the explanation comes from: a lesson of this module (linked), or an entry on the site."""
    title = catalog.entries[entry_id].title if entry_id in catalog.entries else entry_id
    for i, lesson in enumerate(module.lessons, 1):
        if lesson.entry == entry_id:
            return Markup('See <a href="{}">lesson {}: {}</a>.').format(lesson_name(i, entry_id), i, title)
    return Markup("See {} on PainGuide.").format(title)


def answer_key(module: Module, catalog: Catalog) -> str:
    items = Markup("\n").join(
        Markup("<li><p>{}</p><p><strong>{}: {}. {}</strong></p><p>{} {}</p></li>").format(
            q.prompt,
            reading.ANSWER_LABEL,
            reading.answer_letter(q),
            q.answer,
            q.explanation,
            _where(q.entry, module, catalog),
        )
        for q in module.questions
    )
    return _page(
        module,
        f"{module.title}: answer key",
        instructor=True,
        sections=[(reading.ANSWER_KEY_TITLE, Markup("<ol>\n{}\n</ol>").format(items))],
    )
