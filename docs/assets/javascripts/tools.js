/* PainGuide tools: the MME, PEG, PHQ-9 and ORT-OUD calculators and the support-team planner.
   Every factor, item, band and bound comes from window.PainGuideTools (assets/javascripts/tools-data.js,
   written by `painguide build` from the YAML); nothing here repeats them. The arithmetic and the input rules
   are those of painguide/content/calculators.py, in the same order, and the browser tests compare the two.
   Calculators store nothing; the planner keeps its answers in this browser's localStorage until erased. */
(function () {
  "use strict";

  var DATA = window.PainGuideTools || { calculators: {}, planner: { questions: [], elements: [] } };
  /* The same pattern as calculators._NUMBER: digits with an optional decimal point and minus sign, nothing
     else (Number() would also take "0x10", "1e3" and "", which Python's float() reads differently). */
  var NUMBER = /^\s*-?(\d+\.?\d*|\.\d+)\s*$/;

  function round1(x) { return Math.round(x * 10) / 10; }

  function InputError(field, message) { this.field = field; this.message = message; }

  function number(raw, field, label, high, positive) {
    var text = raw === null || raw === undefined ? "" : String(raw);
    if (!text.trim()) throw new InputError(field, "Enter the " + label + ".");
    if (!NUMBER.test(text)) throw new InputError(field, "The " + label + " must be a number.");
    var value = parseFloat(text);
    if (value < 0 || (positive && value === 0)) {
      throw new InputError(field, positive ? "The " + label + " must be more than 0." : "The " + label + " cannot be negative.");
    }
    if (value > high) throw new InputError(field, "The " + label + " cannot be more than " + high + "; check the number.");
    return value;
  }

  function score(raw, field, top) {
    var value = number(raw, field, "answer", top, false);
    if (value !== Math.floor(value)) throw new InputError(field, "Choose a whole number from 0 to " + top + ".");
    return value;
  }

  function showErrors(form, errors) {
    var box = form.querySelector(".pg-errors");
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    box.textContent = "";
    if (!errors.length) return;
    var intro = document.createElement("p");
    intro.textContent = errors.length === 1 ? "Please fix this:" : "Please fix these " + errors.length + " things:";
    var list = document.createElement("ul");
    errors.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = e.message;
      list.appendChild(li);
      if (e.element) e.element.setAttribute("aria-invalid", "true");
    });
    box.appendChild(intro);
    box.appendChild(list);
  }

  function setResult(section, text) {
    section.querySelector("[data-result]").textContent = text;
    section.classList.toggle("pg-has-result", text !== "");
  }

  /* --- MME --------------------------------------------------------------------------------------------- */

  function setupMme(form, calc) {
    var section = form.nextElementSibling;
    var list = form.querySelector(".pg-dose-rows");
    var template = list.querySelector(".pg-dose").cloneNode(true);
    var factors = {}, excluded = {};
    var MAX_LINK_ROWS = 20, linkErrors = [];  /* see fromUrl */
    calc.factors.forEach(function (f) { factors[f.drug] = f; });
    calc.no_factor.forEach(function (n) { excluded[n.drug] = n; });

    function field(row, name) { return row.querySelector('[name="' + name + '"]'); }

    function showUnit(row, clear) {
      var factor = factors[field(row, "drug").value];
      var unit = factor ? factor.unit : "mg";
      row.querySelectorAll("[data-unit]").forEach(function (p) {
        var other = p.getAttribute("data-unit") !== unit;
        p.hidden = other;
        if (other && clear) p.querySelector("input").value = "";
      });
    }

    function renumber() {
      list.querySelectorAll(".pg-dose").forEach(function (row, i) {
        var n = i + 1;
        row.setAttribute("data-row", String(n));
        row.querySelectorAll("[id]").forEach(function (el) { el.id = el.id.replace(/-\d+$/, "-" + n); });
        row.querySelectorAll("label[for]").forEach(function (el) {
          el.setAttribute("for", el.getAttribute("for").replace(/-\d+$/, "-" + n));
        });
        row.querySelector(".pg-remove").setAttribute("aria-label", "Remove medicine " + n);
      });
    }

    function addRow(later) {
      var row = template.cloneNode(true);
      row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
      list.appendChild(row);
      if (!later) renumber();  /* fromUrl adds its rows, then renumbers once */
      showUnit(row, false);
      return row;
    }

    function rows() { return Array.prototype.slice.call(list.querySelectorAll(".pg-dose")); }

    function calculate() {
      var errors = linkErrors, lines = [], filled = [];
      linkErrors = [];  /* said once: a second calculation adds up the rows as they are */
      rows().forEach(function (row) {
        var empty = ["drug", "mg", "per_day", "mcg_hr"].every(function (n) { return !field(row, n).value.trim(); });
        if (!empty) filled.push(row);
      });
      if (!filled.length) errors.push({ message: "Add at least one medicine.", element: field(rows()[0], "drug") });
      filled.forEach(function (row, i) {
        var n = Number(row.getAttribute("data-row"));
        var where = "Medicine " + n + ": ";
        var drug = field(row, "drug").value;
        function fail(name, message) { errors.push({ message: where + message, element: field(row, name) }); }
        if (excluded[drug]) { fail("drug", excluded[drug].label + " has no MME factor and is not added to a total."); return; }
        var factor = factors[drug];
        if (!factor) { fail("drug", "Choose a medicine from the list."); return; }
        try {
          if (factor.unit === "mcg/hr") {
            if (field(row, "mg").value.trim() || field(row, "per_day").value.trim()) {
              throw new InputError("mcg_hr", "Enter a patch by its strength in mcg per hour, not in mg.");
            }
            var rate = number(field(row, "mcg_hr").value, "mcg_hr", "patch strength (mcg/hr)", calc.max_mcg_hr, true);
            lines.push({ factor: factor, mme: rate * factor.factor, text: factor.label + ": " + rate + " mcg/hr × " + factor.factor });
          } else {
            if (field(row, "mcg_hr").value.trim()) {
              throw new InputError("mg", "Only a patch is entered in mcg per hour; enter this dose in mg.");
            }
            var mg = number(field(row, "mg").value, "mg", "dose (mg)", calc.max_mg, true);
            var perDay = number(field(row, "per_day").value, "per_day", "number of doses a day", calc.max_per_day, true);
            lines.push({ factor: factor, mme: mg * perDay * factor.factor, text: factor.label + ": " + mg + " mg × " + perDay + " a day × " + factor.factor });
          }
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
          fail(e.field, e.message);
        }
      });
      showErrors(form, errors);
      var out = section.querySelector(".pg-lines");
      out.textContent = "";
      section.querySelectorAll("[data-prompt], [data-caution]").forEach(function (el) { el.hidden = true; });
      section.querySelectorAll("[data-refusal]").forEach(function (el) {
        el.hidden = !rows().some(function (row) { return field(row, "drug").value === el.getAttribute("data-refusal"); });
      });
      if (errors.length) { setResult(section, ""); return; }
      var total = 0;
      lines.forEach(function (line) { total += line.mme; });  /* in entry order, as the reference adds them */
      var shown = round1(total);
      lines.forEach(function (line) {
        var li = document.createElement("li");
        li.textContent = line.text + " = " + round1(line.mme) + " MME per day";
        out.appendChild(li);
        var caution = section.querySelector('[data-caution="' + line.factor.drug + '"]');
        if (caution) caution.hidden = false;
      });
      calc.review_prompts.forEach(function (p) {
        if (shown >= p.at) section.querySelector('[data-prompt="' + p.at + '"]').hidden = false;
      });
      setResult(section, String(shown));
    }

    /* ?drug=oxycodone&mg=10&per_day=3&drug=fentanyl-patch&mcg_hr=25: each drug starts a row, up to
       MAX_LINK_ROWS. A patient's opioid list is a few lines; a link with 1,000 rows froze the tab for 24 s
       (one renumbering of every row per row added). Rows past the limit are left out, and because a total
       without them would be too low, the first calculation says so instead of showing a number. */
    function fromUrl() {
      var params = new URLSearchParams(window.location.search), made = 0, row = null;
      params.forEach(function (value, key) {
        if (key === "drug") {
          made += 1;
          if (made > MAX_LINK_ROWS) { row = null; return; }
          row = made === 1 ? rows()[0] : addRow(true);
          var select = field(row, "drug");
          select.value = value;
          if (select.value !== value) select.value = "";  /* not a known id: the row asks for a medicine */
          showUnit(row, false);
        } else if (row && (key === "mg" || key === "per_day" || key === "mcg_hr")) {
          field(row, key).value = value;
        }
      });
      renumber();
      if (made > MAX_LINK_ROWS) {
        linkErrors.push({
          message: "The link lists " + made + " medicines; this calculator takes " + MAX_LINK_ROWS +
            " from a link, so the last " + (made - MAX_LINK_ROWS) + " were left out. Check the list, add any that are missing, then calculate.",
          element: field(rows()[0], "drug")
        });
      }
      return made > 0;
    }

    list.addEventListener("change", function (event) {
      if (event.target.name === "drug") showUnit(event.target.closest(".pg-dose"), true);
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest(".pg-remove");
      if (!button) return;
      var row = button.closest(".pg-dose");
      if (rows().length > 1) {
        row.remove();
        renumber();
        field(rows()[0], "drug").focus();
      } else {
        row.querySelectorAll("input").forEach(function (el) { el.value = ""; });
        field(row, "drug").value = "";
        showUnit(row, false);
      }
    });
    form.querySelector(".pg-add").addEventListener("click", function () { field(addRow(), "drug").focus(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); calculate(); });
    if (fromUrl()) calculate();
    else rows().forEach(function (row) { showUnit(row, false); });
  }

  /* --- PEG, PHQ-9, ORT-OUD ----------------------------------------------------------------------------- */

  function setupScale(form, calc) {
    var section = form.nextElementSibling;
    var sets = Array.prototype.slice.call(form.querySelectorAll("fieldset.pg-item"));
    var top = calc.kind === "peg" ? calc.scale_max : calc.kind === "phq-9" ? calc.choices[calc.choices.length - 1].value : 1;
    var linkErrors = [];

    function checked(set) { var c = set.querySelector("input:checked"); return c ? c.value : null; }

    function safety() {
      var box = section.querySelector("[data-safety]");
      if (!box) return;
      var value = checked(sets[calc.safety.item - 1]);
      box.hidden = !(value !== null && Number(value) > 0);  /* whatever the total, answered or not */
    }

    function calculate() {
      var errors = linkErrors.slice(), values = [];
      linkErrors = [];
      sets.forEach(function (set, i) {
        var value = checked(set);
        if (value === null) {
          if (!errors.length || errors[errors.length - 1].element !== set) {
            errors.push({ message: "Answer question " + (i + 1) + ".", element: set });
          }
        } else values.push(Number(value));
      });
      showErrors(form, errors);
      safety();
      var band = section.querySelector("[data-band]");
      if (band) band.textContent = "";
      if (errors.length) { setResult(section, ""); return; }
      var total = 0;
      values.forEach(function (v) { total += v; });
      if (calc.kind === "peg") { setResult(section, String(round1(total / values.length))); return; }
      if (band) {
        calc.bands.forEach(function (b) { if (b.min <= total && total <= b.max) band.textContent = "(" + b.label + ")"; });
      }
      setResult(section, String(total));
    }

    function put(set, raw, i) {
      try {
        var value = score(raw, "item " + (i + 1), top);
        var radio = set.querySelector('input[value="' + value + '"]');
        if (radio) { radio.checked = true; return; }
        throw new InputError("item", "Choose a whole number from 0 to " + top + ".");
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        linkErrors.push({ message: "The link's answer to question " + (i + 1) + " (" + raw + "): " + e.message, element: set });
      }
    }

    function fromUrl() {
      var params = new URLSearchParams(window.location.search);
      if (calc.kind === "peg") {
        var any = false;
        calc.items.forEach(function (item, i) {
          if (params.has(item.id)) { any = true; put(sets[i], params.get(item.id), i); }
        });
        return any;
      }
      if (!params.has("items")) return false;
      var raw = params.get("items").split(",");
      if (raw.length !== sets.length) {
        linkErrors.push({ message: "The link gives " + raw.length + " answers; answer all " + sets.length + " questions.", element: null });
        return true;
      }
      raw.forEach(function (value, i) { put(sets[i], value, i); });
      return true;
    }

    form.addEventListener("change", function () {
      safety();
      if (sets.every(function (set) { return checked(set) !== null; })) calculate();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); calculate(); });
    form.addEventListener("reset", function () {
      window.setTimeout(function () { showErrors(form, []); safety(); setResult(section, ""); }, 0);
    });
    if (fromUrl()) calculate();
  }

  /* --- the support-team planner ------------------------------------------------------------------------ */

  var STORE = "painguide.planner.v1";

  function setupPlanner(root) {
    var planner = DATA.planner;
    var article = root.closest("article") || document;
    var charter = article.querySelector(".pg-charter");
    var status = root.querySelector(".pg-saved");
    document.body.classList.add("pg-planner-page");

    function fields() { return Array.prototype.slice.call(article.querySelectorAll("[data-planner-field]")); }
    function boxes() { return Array.prototype.slice.call(article.querySelectorAll("[data-planner-element]")); }

    function state() {
      var answers = {};
      fields().forEach(function (el) { answers[el.getAttribute("data-planner-field")] = el.value; });
      return {
        team: answers.team || "",
        answers: answers,
        elements: boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; })
      };
    }

    function load() {
      var saved = null;
      try { saved = JSON.parse(window.localStorage.getItem(STORE) || "null"); } catch (e) { saved = null; }
      if (!saved || typeof saved !== "object") return;
      fields().forEach(function (el) {
        var v = saved.answers && saved.answers[el.getAttribute("data-planner-field")];
        if (typeof v === "string") el.value = v;
      });
      boxes().forEach(function (b) { b.checked = Array.isArray(saved.elements) && saved.elements.indexOf(b.value) >= 0; });
    }

    function save() {
      try {
        window.localStorage.setItem(STORE, JSON.stringify(state()));
        status.textContent = "Saved in this browser only.";
      } catch (e) {
        status.textContent = "This browser cannot keep your answers; print or download the charter before you leave.";
      }
    }

    function absolute(url) { return new URL(url, window.location.href).href; }

    function model() {
      var s = state();
      return {
        team: s.team.trim(),
        answers: planner.questions.map(function (q) {
          return { order: q.order, question: q.question, guidance: q.title, guidance_url: absolute(q.url), answer: (s.answers[q.id] || "").trim() };
        }),
        data_elements: planner.elements.filter(function (e) { return s.elements.indexOf(e.id) >= 0; }).map(function (e) {
          return { id: e.id, title: e.title, url: absolute(e.url), definition: e.definition, what_is_recorded: e.recorded, intended_use: e.intended_use, limits: e.limits };
        })
      };
    }

    function el(tag, text, cls) {
      var node = document.createElement(tag);
      if (text !== undefined) node.textContent = text;
      if (cls) node.className = cls;
      return node;
    }

    function link(text, href) { var a = el("a", text); a.href = href; return a; }

    function render() {
      var m = model();
      charter.textContent = "";
      charter.appendChild(el("h2", "Team charter" + (m.team ? ": " + m.team : "")));
      m.answers.forEach(function (a, i) {
        var q = planner.questions[i];
        charter.appendChild(el("h3", a.order + ". " + a.question));
        charter.appendChild(el("p", a.answer || "Not answered yet.", a.answer ? "pg-charter-answer" : "pg-charter-empty"));
        var p = el("p", "", "pg-meta");
        p.appendChild(document.createTextNode("Guidance: "));
        p.appendChild(link(q.title, q.url));
        charter.appendChild(p);
      });
      charter.appendChild(el("h3", "Data elements we will track"));
      if (!m.data_elements.length) charter.appendChild(el("p", "None chosen yet.", "pg-charter-empty"));
      var list = el("dl");
      m.data_elements.forEach(function (d, i) {
        var dt = el("dt");
        dt.appendChild(link(d.title, planner.elements.filter(function (e) { return e.id === d.id; })[0].url));
        list.appendChild(dt);
        [["Definition", d.definition], ["What is recorded", d.what_is_recorded], ["Intended use", d.intended_use], ["Limits", d.limits]]
          .forEach(function (pair) {
            var dd = el("dd");
            dd.appendChild(el("strong", pair[0] + ": "));
            dd.appendChild(document.createTextNode(pair[1]));
            list.appendChild(dd);
          });
      });
      if (m.data_elements.length) charter.appendChild(list);
    }

    /* Text in the Markdown download (answers typed here or planted in localStorage by another local page,
       the team name, and the questions, titles and definitions) is shown as typed by a Markdown viewer,
       never as a link, image, HTML, emphasis, heading, list or quote. "&", "<", ">" become entities (Python-
       Markdown has no backslash escape for "<", so "\<img>" would still be HTML there); the rest are
       backslash escapes both CommonMark and Python-Markdown read; a line's leading spaces go (no code block). */
    function mdLine(line) {
      return line.trim()
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/[\\`*_{}\[\]()#!]/g, "\\$&")
        .replace(/^([-+])/, "\\$1").replace(/^=/, "&#61;").replace(/^(\d+)([.)])/, "$1\\$2");
    }
    /* one line (a heading, a list item): line breaks become spaces */
    function mdInline(text) { return mdLine(String(text).replace(/\s+/g, " ")); }
    /* an answer: its lines kept, as hard line breaks, and its blank lines as paragraph breaks */
    function mdBlock(text) { return String(text).split(/\r\n|\r|\n/).map(mdLine).join("  \n"); }
    /* our own addresses, as a link destination nothing in them can end early */
    function mdUrl(url) { return url.replace(/[()<> ]/g, function (c) { return "%" + c.charCodeAt(0).toString(16).toUpperCase(); }); }

    function markdown(m) {
      var out = ["# Team charter" + (m.team ? ": " + mdInline(m.team) : ""), ""];
      m.answers.forEach(function (a) {
        out.push("## " + a.order + ". " + mdInline(a.question), "", a.answer ? mdBlock(a.answer) : "_Not answered yet._", "",
          "Guidance: [" + mdInline(a.guidance) + "](" + mdUrl(a.guidance_url) + ")", "");
      });
      out.push("## Data elements we will track", "");
      if (!m.data_elements.length) out.push("_None chosen yet._", "");
      m.data_elements.forEach(function (d) {
        out.push("### [" + mdInline(d.title) + "](" + mdUrl(d.url) + ")", "", "- **Definition:** " + mdInline(d.definition),
          "- **What is recorded:** " + mdInline(d.what_is_recorded), "- **Intended use:** " + mdInline(d.intended_use),
          "- **Limits:** " + mdInline(d.limits), "");
      });
      return out.join("\n");
    }

    function download(format) {
      var m = model();
      var text = format === "json" ? JSON.stringify(m, null, 2) + "\n" : markdown(m) + "\n";
      var blob = new Blob([text], { type: format === "json" ? "application/json" : "text/markdown" });
      var a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = "team-charter." + format;
      document.body.appendChild(a);
      a.click();
      window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    }

    load();
    render();
    article.addEventListener("input", function (event) {
      if (event.target.closest("[data-planner-field], [data-planner-element]")) { save(); render(); }
    });
    article.addEventListener("change", function (event) {
      if (event.target.closest("[data-planner-element]")) { save(); render(); }
    });
    article.querySelectorAll(".pg-download").forEach(function (button) {
      button.addEventListener("click", function () { download(button.getAttribute("data-format")); });
    });
    article.querySelector(".pg-erase").addEventListener("click", function () {
      try { window.localStorage.removeItem(STORE); } catch (e) { /* nothing was stored */ }
      fields().forEach(function (f) { f.value = ""; });
      boxes().forEach(function (b) { b.checked = false; });
      render();
      status.textContent = "Your answers were erased from this browser.";
    });
  }

  function init() {
    document.querySelectorAll("form.pg-tool").forEach(function (form) {
      if (form.getAttribute("data-ready")) return;
      form.setAttribute("data-ready", "true");
      var kind = form.getAttribute("data-tool");
      var calc = DATA.calculators[kind];
      if (!calc) return;
      if (kind === "mme") setupMme(form, calc);
      else setupScale(form, calc);
    });
    document.querySelectorAll(".pg-planner").forEach(function (root) {
      if (root.getAttribute("data-ready")) return;
      root.setAttribute("data-ready", "true");
      setupPlanner(root);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
