"""Trainer pages: one page, handout and answer key per module, the index and the assignment builder.

The knowledge check and the builder run in the browser with no server (assets/javascripts/*.js);
these pages only carry the data they need; the forms come from templates (painguide.site.widgets).
"""

from __future__ import annotations

from collections.abc import Iterator

from painguide import urls
from painguide.content.catalog import Catalog, modules_in_order
from painguide.content.schema import Module
from painguide.site import widgets
from painguide.site.markdown import bullets, date, front_matter, indent, link, md_text, numbered, section
from painguide.site.widgets import Slots

ROLE_LABEL = {
    "clinicians": "Clinicians",
    "nurses-and-medical-assistants": "Nurses and medical assistants",
    "pharmacists": "Pharmacists",
    "behavioral-health-staff": "Behavioral health staff",
    "front-desk-staff": "Front-desk staff",
    "patients": "Patients",
}
LETTERS = "ABCDEF"
# LMS files, written beside the trainer pages by `painguide build` (painguide.export.downloads). Raw HTML links:
# plain `mkdocs serve` has no such files, and a Markdown link to one would fail its strict build.
CURRICULUM_CARTRIDGE = "painguide-curriculum.imscc"
IMPORT_HELP = (
    "Canvas: *Settings → Import Course Content → Common Cartridge 1.x Package*. "
    "Moodle: *Course reuse → Restore* (older versions: *Course administration → Restore*) with the `.imscc` "
    "file; for a question bank, "
    "*Question bank → Import → GIFT format* with the `.gift` file."
)


def _download(href: str, label: str, *, button: bool = True) -> str:
    style = ' class="md-button"' if button else ""
    return f'<a{style} href="{href}" download>{label}</a>'


def _lms_files(module_id: str, prefix: str = "") -> str:
    """A module's cartridge and GIFT file (links relative to ``trainers/<prefix>``)."""
    return (
        _download(f"{prefix}{module_id}.imscc", "Common Cartridge (.imscc)")
        + " "
        + _download(f"{prefix}{module_id}.gift", "GIFT questions (.gift)")
    )


def _facts(module: Module) -> str:
    roles = ", ".join(ROLE_LABEL[r] for r in module.audiences)
    return f"**For:** {roles} · **Level:** {module.level} · **Time:** about {module.duration_minutes} minutes"


def _lessons(src: str, module: Module, catalog: Catalog) -> str:
    return numbered(
        f"[{md_text(catalog.entries[lesson.entry].title)}]({link(src, urls.entry_page(catalog.entries[lesson.entry]))})"
        f" — {md_text(lesson.focus)}"
        for lesson in module.lessons
    )


def _prerequisites(src: str, module: Module, catalog: Catalog) -> str:
    return bullets(
        f"[{md_text(catalog.modules[p].title)}]({link(src, urls.module_page(p))})" for p in module.prerequisites
    )


def _vignette(module: Module, level: int = 2) -> str:
    v = module.vignette
    return section(
        f"Case: {md_text(v.title)}", f"{v.text}\n\n**Discuss:**\n\n{bullets(map(md_text, v.discussion_prompts))}", level
    )


def module_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id)
    out = [
        front_matter(module.title, module.summary, ["Curriculum module", "For trainers"]),
        f"# {md_text(module.title)}\n",
        f"{md_text(module.summary)}\n{{: .pg-lead }}\n",
        f"{_facts(module)}\n{{: .pg-meta }}\n",
        f"[Learner handout]({link(src, urls.module_page(module.id, 'handout'))}){{ .md-button }} "
        f"[Answer key for trainers]({link(src, urls.module_page(module.id, 'answers'))}){{ .md-button }} "
        f"[Assign this module]({link(src, 'trainers/assign.md')}?m={module.id}){{ .md-button }} "
        + _lms_files(module.id)
        + "\n",
        section(
            "Objectives", "By the end of this module, learners can:\n\n" + bullets(map(md_text, module.objectives)), 2
        ),
    ]
    if module.prerequisites:
        out.append(section("Before you start", _prerequisites(src, module, catalog), 2))
    out += [
        section("Lessons", "Read these entries in order.\n\n" + _lessons(src, module, catalog), 2),
        _vignette(module),
        section(
            "Knowledge check",
            "Choose one answer for each question, then check your answers. "
            "Nothing is sent anywhere." + slots.put(widgets.render("quiz.html", module=module)),
            2,
        ),
        section(f"Assignment: {md_text(module.assignment.title)}", module.assignment.instructions, 2),
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


def handout_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id, "handout")
    questions = "\n\n".join(
        # Lettered choices with a box to tick on paper: task-list checkboxes were unlabelled form controls
        # on screen (axe "label", critical, on every handout).
        f"{i}. {md_text(q.prompt)}\n\n"
        + indent("\n".join(f"- ☐ {LETTERS[n]}. {md_text(c)}" for n, c in enumerate(q.choices)), 3)
        for i, q in enumerate(module.questions, 1)
    )
    return "\n".join(
        [
            front_matter(f"{module.title}: learner handout", module.summary, ["Curriculum module"]),
            f"# {md_text(module.title)}: learner handout\n",
            slots.put(widgets.render("print.html", label="Print this handout", hidden=True)),
            f"{_facts(module)}\n\n**Name:** ____________________  **Date:** ____________\n",
            section("What you will be able to do", bullets(map(md_text, module.objectives)), 2),
            section("Read, in this order", _lessons(src, module, catalog), 2),
            _vignette(module),
            section("Check your knowledge", questions, 2),
            section(f"Assignment: {md_text(module.assignment.title)}", module.assignment.instructions, 2),
        ]
    )


def answers_page(module: Module, catalog: Catalog, slots: Slots) -> str:
    src = urls.module_page(module.id, "answers")
    items = []
    for i, q in enumerate(module.questions, 1):
        entry = catalog.entries[q.entry]
        letter = LETTERS[q.choices.index(q.answer)]
        items.append(
            f"{i}. {md_text(q.prompt)}\n\n   **Answer: {letter}. {md_text(q.answer)}**\n\n   {md_text(q.explanation)} "
            f"(See [{md_text(entry.title)}]({link(src, urls.entry_page(entry))}).)"
        )
    return "\n".join(
        [
            front_matter(
                f"{module.title}: answer key",
                f"Answers and explanations for {module.title}.",
                ["For trainers"],
            ),
            f"# {md_text(module.title)}: answer key\n",
            '!!! warning "For trainers"\n    Keep this page for facilitators; learners use the handout.\n',
            slots.put(widgets.render("print.html", label="Print the answer key", hidden=True)),
            "\n\n".join(items) + "\n",
        ]
    )


def trainers_index(catalog: Catalog) -> str:
    src = "trainers/index.md"
    total = sum(m.duration_minutes for m in catalog.modules.values())
    rows = "\n".join(
        f"| [{md_text(m.title)}]({link(src, urls.module_page(m.id))}) "
        f"| {', '.join(ROLE_LABEL[r] for r in m.audiences)} "
        f"| {m.level} | {m.duration_minutes} min "
        f'| <a href="{m.id}/{m.id}.imscc" download>.imscc</a> · <a href="{m.id}/{m.id}.gift" download>.gift</a> |'
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
            f"Use the [assignment builder]({link(src, 'trainers/assign.md')}) "
            "to give a group modules with due dates.\n",
            "To assign them in Canvas, Moodle or another learning platform, download "
            f"{_download(CURRICULUM_CARTRIDGE, 'the whole curriculum as one Common Cartridge', button=False)} "
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
            "url": urls.relative_url("trainers/assign.md", urls.module_page(m.id)),
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
            + _download(CURRICULUM_CARTRIDGE, "the whole curriculum as a Common Cartridge", button=False)
            + ", or a module's cartridge and GIFT questions from its page.\n",
            slots.put(widgets.render("builder.html", modules=data)),
            '<section class="pg-sheet" aria-label="Assignment sheet" aria-live="polite"></section>\n',
        ]
    )


def generate(catalog: Catalog, slots: Slots) -> Iterator[tuple[str, str]]:
    yield "trainers/index.md", trainers_index(catalog)
    yield "trainers/assign.md", builder_page(catalog, slots)
    for module in catalog.modules.values():
        yield urls.module_page(module.id), module_page(module, catalog, slots)
        yield urls.module_page(module.id, "handout"), handout_page(module, catalog, slots)
        yield urls.module_page(module.id, "answers"), answers_page(module, catalog, slots)
