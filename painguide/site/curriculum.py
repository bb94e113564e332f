"""Trainer pages: one page, handout and answer key per module, the index and the assignment builder.

The knowledge check and the builder run in the browser with no server (assets/javascripts/*.js);
these pages only carry the data they need; the forms come from templates (painguide.site.widgets).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from painguide import urls
from painguide.content import reading
from painguide.content.catalog import Catalog, modules_in_order
from painguide.content.kinds import ROLE_LABELS
from painguide.content.schema import Lesson, Module
from painguide.site import widgets
from painguide.site.markdown import bullets, date, front_matter, indent, link, md_text, numbered, section
from painguide.site.widgets import Slots

# LMS files (painguide.urls.module_file, CURRICULUM_FILE), written beside the trainer pages by `painguide build`
# (painguide.export.downloads). Raw HTML links: plain `mkdocs serve` has no such files, and a Markdown link to
# one would fail its strict build.
WHOLE_CURRICULUM = "the whole curriculum as one Common Cartridge"
IMPORT_HELP = (
    "Canvas: *Settings → Import Course Content → Common Cartridge 1.x Package*. "
    "Moodle: *Course reuse → Restore* (older versions: *Course administration → Restore*) with the `.imscc` "
    "file; for a question bank, "
    "*Question bank → Import → GIFT format* with the `.gift` file."
)


def _download(href: str, label: str, *, button: bool = True) -> str:
    style = ' class="md-button"' if button else ""
    return f'<a{style} href="{href}" download>{label}</a>'


def _file(src: str, path: str) -> str:
    """A download's address from page ``src`` (both site-root relative; downloads have no .md source)."""
    return posixpath.relpath(path, posixpath.dirname(src))


def _lms_files(module_id: str) -> str:
    """A module's cartridge and GIFT file, linked from its page."""
    src = urls.module_page(module_id)
    return (
        _download(_file(src, urls.module_file(module_id, "imscc")), "Common Cartridge (.imscc)")
        + " "
        + _download(_file(src, urls.module_file(module_id, "gift")), "GIFT questions (.gift)")
    )


def _facts(module: Module) -> str:
    roles = ", ".join(ROLE_LABELS[r] for r in module.audiences)
    return f"**For:** {roles} · **Level:** {module.level} · **Time:** about {module.duration_minutes} minutes"


def _lessons(src: str, lessons: list[Lesson], catalog: Catalog) -> str:
    return numbered(
        f"[{md_text(catalog.entries[lesson.entry].title)}]({link(src, urls.entry_page(catalog.entries[lesson.entry]))})"
        f" — {md_text(lesson.focus)}"
        for lesson in lessons
    )


def _prerequisites(src: str, module: Module, catalog: Catalog) -> str:
    return bullets(
        f"[{md_text(catalog.modules[p].title)}]({link(src, urls.module_page(p))})" for p in module.prerequisites
    )


def _vignette(module: Module, level: int = 2) -> str:
    v = module.vignette
    prompts = bullets(map(md_text, v.discussion_prompts))
    return section(
        reading.titled(reading.Case.label, md_text(v.title)),
        f"{v.text}\n\n**{reading.Case.discuss}:**\n\n{prompts}",
        level,
    )


def _assignment(module: Module) -> str:
    a = module.assignment
    return section(reading.titled(reading.Task.label, md_text(a.title)), a.instructions, 2)


def module_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id)
    out = [
        front_matter(module.title, module.summary, ["Curriculum module", "For trainers"]),
        f"# {md_text(module.title)}\n",
        f"{md_text(module.summary)}\n{{: .pg-lead }}\n",
        f"{_facts(module)}\n{{: .pg-meta }}\n",
        f"[Learner handout]({link(src, urls.module_page(module.id, 'handout'))}){{ .md-button }} "
        f"[Answer key for trainers]({link(src, urls.module_page(module.id, 'answers'))}){{ .md-button }} "
        f"[Assign this module]({link(src, urls.TRAINERS_ASSIGN)}?m={module.id}){{ .md-button }} "
        + _lms_files(module.id)
        + "\n",
        section(
            "Objectives", "By the end of this module, learners can:\n\n" + bullets(map(md_text, module.objectives)), 2
        ),
    ]
    if module.prerequisites:
        out.append(section("Before you start", _prerequisites(src, module, catalog), 2))
    out += [
        section("Lessons", "Read these entries in order.\n\n" + _lessons(src, module.lessons, catalog), 2),
        _vignette(module),
        section(
            "Knowledge check",
            "Choose one answer for each question, then check your answers. "
            "Nothing is sent anywhere." + slots.put(widgets.render("quiz.html", module=module)),
            2,
        ),
        _assignment(module),
        section(
            "Use it in your learning platform",
            "The Common Cartridge holds this module's lesson pages, the handout, the case, the assignment, the "
            "knowledge check as a scored quiz, an answer key for instructors only and a link back here. "
            f"{IMPORT_HELP}\n\n{_lms_files(module.id)}",
            2,
        ),
        f"Last reviewed {date(module.reviewed)}.\n{{: .pg-meta }}\n",
    ]
    return "\n".join(out)


def _handout_section(part: reading.HandoutSection, module: Module, src: str, catalog: Catalog) -> str:
    match part:
        case reading.Objectives():
            return section(part.title, bullets(map(md_text, part.objectives)), 2)
        case reading.Readings():
            return section(part.title, _lessons(src, part.lessons, catalog), 2)
        case reading.Case():
            return _vignette(module)
        case reading.KnowledgeCheck():
            questions = "\n\n".join(
                # Lettered choices with a box to tick on paper: task-list checkboxes were unlabelled form controls
                # on screen (axe "label", critical, on every handout).
                f"{i}. {md_text(q.prompt)}\n\n"
                + indent("\n".join(f"- ☐ {letter}. {md_text(c)}" for letter, c in reading.lettered(q)), 3)
                for i, q in enumerate(part.questions, 1)
            )
            return section(part.title, questions, 2)
        case reading.Task():
            return _assignment(module)


def handout_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id, "handout")
    return "\n".join(
        [
            front_matter(f"{module.title}: learner handout", module.summary, ["Curriculum module"]),
            f"# {md_text(module.title)}: learner handout\n",
            slots.put(widgets.render("print.html", label="Print this handout", hidden=True)),
            f"{_facts(module)}\n\n**Name:** ____________________  **Date:** ____________\n",
            *(_handout_section(part, module, src, catalog) for part in reading.handout(module)),
        ]
    )


def answers_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id, "answers")
    items = []
    for i, q in enumerate(module.questions, 1):
        entry = catalog.entries[q.entry]
        answer = f"{reading.ANSWER_LABEL}: {reading.answer_letter(q)}. {md_text(q.answer)}"
        items.append(
            f"{i}. {md_text(q.prompt)}\n\n   **{answer}**\n\n   {md_text(q.explanation)} "
            f"(See [{md_text(entry.title)}]({link(src, urls.entry_page(entry))}).)"
        )
    return "\n".join(
        [
            front_matter(
                f"{module.title}: answer key",
                f"{reading.ANSWER_KEY_TITLE} for {module.title}.",
                ["For trainers"],
            ),
            f"# {md_text(module.title)}: answer key\n",
            '!!! warning "For trainers"\n    Keep this page for facilitators; learners use the handout.\n',
            slots.put(widgets.render("print.html", label="Print the answer key", hidden=True)),
            "\n\n".join(items) + "\n",
        ]
    )


def trainers_index(catalog: Catalog) -> str:
    src = urls.TRAINERS_INDEX
    total = sum(m.duration_minutes for m in catalog.modules.values())
    rows = "\n".join(
        f"| [{md_text(m.title)}]({link(src, urls.module_page(m.id))}) "
        f"| {', '.join(ROLE_LABELS[r] for r in m.audiences)} "
        f"| {m.level} | {m.duration_minutes} min "
        f'| <a href="{_file(src, urls.module_file(m.id, "imscc"))}" download>.imscc</a> · '
        f'<a href="{_file(src, urls.module_file(m.id, "gift"))}" download>.gift</a> |'
        for m in modules_in_order(catalog)
    )
    return "\n".join(
        [
            front_matter(
                "For trainers",
                "Ready-to-assign curriculum modules on integrative pain care.",
                ["For trainers"],
            ),
            "# For trainers\n",
            f"{len(catalog.modules)} modules, about {total // 60} hours in all. Each has objectives, readings, a case, "
            "a knowledge check with explained answers, a printable handout and an answer key. "
            f"Use the [assignment builder]({link(src, urls.TRAINERS_ASSIGN)}) "
            "to give a group modules with due dates.\n",
            "To assign them in Canvas, Moodle or another learning platform, download "
            f"{_download(_file(src, urls.CURRICULUM_FILE), WHOLE_CURRICULUM, button=False)} "
            "(one LMS module per curriculum module, in this order) or one module's cartridge or GIFT questions "
            f"from the table. {IMPORT_HELP}\n",
            "| Module | For | Level | Time | LMS files |\n|---|---|---|---|---|\n" + rows + "\n",
        ]
    )


def builder_page(catalog: Catalog, slots: Slots) -> str:
    """Pick modules, a group and due dates; get a printable sheet and a link that reopens it."""
    data = [
        {
            "id": m.id,
            "title": m.title,
            "minutes": m.duration_minutes,
            "url": urls.relative_url(urls.TRAINERS_ASSIGN, urls.module_page(m.id)),
        }
        for m in modules_in_order(catalog)
    ]
    return "\n".join(
        [
            front_matter(
                "Assignment builder",
                "Make a printable assignment sheet and a shareable link.",
                ["For trainers"],
            ),
            "# Assignment builder\n",
            "Choose modules and due dates for a group. The sheet below updates as you go; print it, or copy the "
            "link: it carries your choices, so anyone who opens it sees the same sheet. "
            "Nothing is stored on a server.\n",
            "Assigning in a learning platform instead? Download "
            + _download(
                _file(urls.TRAINERS_ASSIGN, urls.CURRICULUM_FILE),
                "the whole curriculum as a Common Cartridge",
                button=False,
            )
            + ", or a module's cartridge and GIFT questions from its page.\n",
            slots.put(widgets.render("builder.html", modules=data)),
            '<section class="pg-sheet" aria-label="Assignment sheet" aria-live="polite"></section>\n',
        ]
    )


def generate(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    yield urls.TRAINERS_INDEX, trainers_index(catalog)
    yield urls.TRAINERS_ASSIGN, builder_page(catalog, slots)
    for module in catalog.modules.values():
        yield urls.module_page(module.id), module_page(module, catalog, slots)
        yield urls.module_page(module.id, "handout"), handout_page(module, catalog, slots)
        yield urls.module_page(module.id, "answers"), answers_page(module, catalog, slots)
