/* PainGuide page behaviour: print buttons, knowledge checks, the assignment builder, Find guidance.
   Runs on first load and after every instant navigation (Material's document$). No server needed:
   Find guidance calls the API when the site is served by `painguide serve`, and otherwise searches the
   site's own index (the header box's offline engine). */
(function () {
  "use strict";

  function setupPrint(root) {
    root.querySelectorAll(".pg-print").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function setupQuiz(form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var right = 0, questions = form.querySelectorAll(".pg-question");
      questions.forEach(function (fs) {
        var chosen = fs.querySelector("input:checked");
        var feedback = fs.querySelector(".pg-feedback");
        var explanation = fs.querySelector(".pg-explanation");
        var answer = fs.getAttribute("data-answer");
        feedback.hidden = false;
        feedback.classList.remove("pg-right", "pg-wrong");
        if (!chosen) {
          feedback.textContent = "Choose an answer for this question.";
          explanation.hidden = true;
          return;
        }
        var correct = chosen.value === answer;
        if (correct) right += 1;
        feedback.classList.add(correct ? "pg-right" : "pg-wrong");
        var label = fs.querySelectorAll("label")[Number(answer)].textContent.trim();
        feedback.textContent = correct ? "Correct." : "Not quite. The answer is: " + label;
        explanation.hidden = false;
      });
      form.querySelector(".pg-score").textContent =
        "You answered " + right + " of " + questions.length + " correctly.";
    });
  }

  /* Builder state lives in the URL: ?group=Name&m=id:2026-12-01,id2: — so a link reopens it. */
  function setupBuilder(form) {
    var modules = JSON.parse(form.getAttribute("data-modules"));
    var sheet = document.querySelector(".pg-sheet");
    var linkBox = form.querySelector("#pg-link");
    var group = form.querySelector("#pg-group");

    function read() {
      var params = new URLSearchParams(window.location.search);
      group.value = params.get("group") || "";
      var chosen = {};
      (params.get("m") || "").split(",").forEach(function (pair) {
        if (!pair) return;
        var parts = pair.split(":");
        chosen[parts[0]] = parts[1] || "";
      });
      form.querySelectorAll('input[name="module"]').forEach(function (box) {
        box.checked = Object.prototype.hasOwnProperty.call(chosen, box.value);
        var due = form.querySelector('input[name="due-' + box.value + '"]');
        if (due) due.value = /^\d{4}-\d{2}-\d{2}$/.test(chosen[box.value] || "") ? chosen[box.value] : "";
      });
    }

    function state() {
      var picked = [];
      form.querySelectorAll('input[name="module"]:checked').forEach(function (box) {
        var due = form.querySelector('input[name="due-' + box.value + '"]');
        picked.push({ id: box.value, due: due ? due.value : "" });
      });
      return { group: group.value.trim(), picked: picked };
    }

    function render() {
      var s = state();
      var params = new URLSearchParams();
      if (s.group) params.set("group", s.group);
      if (s.picked.length) params.set("m", s.picked.map(function (p) { return p.id + ":" + p.due; }).join(","));
      var query = params.toString();
      var url = window.location.href.split(/[?#]/)[0] + (query ? "?" + query : "");
      history.replaceState(history.state, "", url);
      linkBox.value = url;

      sheet.textContent = "";
      var h = document.createElement("h2");
      h.textContent = "Assignment sheet" + (s.group ? ": " + s.group : "");
      sheet.appendChild(h);
      if (!s.picked.length) {
        var p = document.createElement("p");
        p.textContent = "Choose at least one module above.";
        sheet.appendChild(p);
        return;
      }
      var table = document.createElement("table");
      var head = table.createTHead().insertRow();
      ["Module", "Time", "Due", "Done"].forEach(function (t) {
        var th = document.createElement("th"); th.scope = "col"; th.textContent = t; head.appendChild(th);
      });
      var body = table.createTBody(), total = 0;
      s.picked.forEach(function (p) {
        var m = modules.find(function (x) { return x.id === p.id; });
        if (!m) return;
        total += m.minutes;
        var row = body.insertRow();
        var a = document.createElement("a"); a.href = m.url; a.textContent = m.title;
        row.insertCell().appendChild(a);
        row.insertCell().textContent = m.minutes + " min";
        row.insertCell().textContent = p.due || "—";
        row.insertCell().textContent = "☐";
      });
      sheet.appendChild(table);
      var sum = document.createElement("p");
      sum.textContent = "Total time: about " + total + " minutes.";
      sheet.appendChild(sum);
    }

    read();
    render();
    form.addEventListener("input", render);
    form.addEventListener("change", render);
    form.querySelector(".pg-copy").addEventListener("click", function () {
      linkBox.select();
      if (navigator.clipboard) navigator.clipboard.writeText(linkBox.value).catch(function () {});
    });
  }

  /* The offline engine (search-engine.js: MiniSearch over search-docs.js, the files the header box's
     worker reads too), loaded as scripts on first use: Chromium blocks fetch() from file://. */
  var offlineEngine = null;
  function loadOffline() {
    if (!offlineEngine) {
      var config = JSON.parse(document.getElementById("__config").textContent);
      var base = new URL(config.base, window.location.href);
      offlineEngine = ["vendor/minisearch.js", "search-docs.js", "search-engine.js"].reduce(function (ready, file) {
        return ready.then(function () {
          return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = new URL("assets/javascripts/" + file, base).href;
            script.onload = resolve;
            script.onerror = reject;
            document.head.appendChild(script);
          });
        });
      }, Promise.resolve()).then(function () {
        return { engine: window.PainGuideSearch.create(window.PG_SEARCH, window.MiniSearch), base: base };
      });
    }
    return offlineEngine;
  }

  /* Offline answers in the API's shape: {total, results: [{title, type, url, snippet}], suggestion}. */
  function searchOffline(query) {
    return loadOffline().then(function (loaded) {
      var found = loaded.engine.search(query.get("q"), {
        type: query.get("type"), component: query.get("component"), audience: query.get("audience"),
      });
      return {
        total: found.length,
        suggestion: null,
        results: found.slice(0, 20).map(function (r) {
          return {
            title: r.title, type: r.type, url: new URL(r.url, loaded.base).href,
            snippet: loaded.engine.highlight(r.summary, r.terms), /* escaped by the engine, <mark> added */
          };
        }),
      };
    });
  }

  function searchApi(query) {
    var params = new URLSearchParams(query);
    params.set("limit", "20");
    return fetch(new URL("/api/v1/search?" + params.toString(), window.location.href))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }

  function setupFind(form) {
    var out = document.querySelector(".pg-find-results");
    var params = new URLSearchParams(window.location.search);
    ["q", "type", "component", "audience"].forEach(function (name) {
      if (params.get(name)) form.elements[name].value = params.get(name);
    });

    function show(message) {
      out.textContent = "";
      var p = document.createElement("p");
      p.textContent = message;
      out.appendChild(p);
    }

    function render(data) {
      out.textContent = "";
      var meta = document.createElement("p");
      meta.textContent = data.total + (data.total === 1 ? " result" : " results");
      out.appendChild(meta);
      if (data.suggestion) {
        var dym = document.createElement("p");
        var a = document.createElement("a");
        a.href = "?q=" + encodeURIComponent(data.suggestion);
        a.textContent = data.suggestion;
        dym.append("Did you mean ", a, "?");
        out.appendChild(dym);
      }
      var list = document.createElement("ol");
      data.results.forEach(function (hit) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = new URL(hit.url, window.location.href).href;
        a.textContent = hit.title;
        var p = document.createElement("p");
        /* snippets are escaped (by the server, or the offline engine); only <mark> tags are kept */
        p.innerHTML = hit.snippet.replace(/<(?!\/?mark>)[^>]*>/g, "");
        li.append(a, " (" + hit.type.replace("-", " ") + ")", p);
        list.appendChild(li);
      });
      out.appendChild(list);
    }

    function run() {
      var query = new URLSearchParams();
      ["q", "type", "component", "audience"].forEach(function (name) {
        var v = form.elements[name].value.trim();
        if (v) query.set(name, v);
      });
      if (!query.get("q")) { show("Type a word or question to search."); return; }
      history.replaceState(history.state, "", "?" + query.toString());
      /* the API when it answers (painguide serve), else the site's own index: from file:// or a plain host */
      var served = /^https?:$/.test(window.location.protocol);
      (served ? searchApi(query).catch(function () { return searchOffline(query); }) : searchOffline(query))
        .then(render)
        .catch(function () { show("Search is not available here."); });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    form.addEventListener("change", function () { if (form.elements.q.value.trim()) run(); });
    if (params.get("q")) run();
  }

  /* "Did you mean" in the header box's result list, from the API's `suggestion` that our search worker
     (search-worker.js) adds to Material's result message; Material's component$ passes it on. A link, so
     the arrow keys reach it as they reach the results; choosing it searches the corrected words. */
  function setupDidYouMean() {
    if (!window.component$ || typeof window.component$.subscribe !== "function") return;
    window.component$.subscribe(function (component) {
      var ref = component && component.ref;
      if (!ref || !ref.classList || !ref.classList.contains("md-search-result") || !("items" in component)) return;
      /* the query these results answer: a reply to an older keystroke is never the last one shown */
      if (typeof component.query === "string") ref.setAttribute("data-pg-query", component.query);
      var old = ref.querySelector(".pg-did-you-mean");
      if (old) old.remove();
      if (!component.suggestion) return;
      var p = document.createElement("p");
      p.className = "pg-did-you-mean md-search-result__meta";
      var a = document.createElement("a");
      a.href = "?q=" + encodeURIComponent(component.suggestion);
      a.textContent = component.suggestion;
      a.addEventListener("click", function (event) {
        event.preventDefault();
        event.stopPropagation(); /* Material closes the search on any click on a link */
        var input = document.querySelector(".md-search__input");
        input.value = component.suggestion;
        input.focus();
        input.dispatchEvent(new Event("keyup"));
      });
      p.append("Did you mean ", a, "?");
      ref.firstElementChild.after(p);
    });
  }

  /* "Skip to content" moves keyboard focus, not only the scroll position, to the page heading, so
     screen readers start reading there and the next Tab continues inside the content. Handled in the
     capture phase, before Material's instant navigation would reload the page for the link (which
     would drop the focus). One listener: Material re-renders the skip link on every navigation. */
  function setupSkipLink() {
    document.addEventListener("click", function (event) {
      var skip = event.target.closest && event.target.closest("a.md-skip");
      if (!skip) return;
      var id = decodeURIComponent((skip.getAttribute("href") || "").split("#")[1] || "");
      var target = id && document.getElementById(id);
      if (!target) return;
      event.preventDefault();
      event.stopPropagation();
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      history.replaceState(history.state, "", "#" + encodeURIComponent(id));
      target.focus();
    }, true);
  }

  function init() {
    setupPrint(document);
    document.querySelectorAll("form.pg-quiz").forEach(setupQuiz);
    document.querySelectorAll("form.pg-builder").forEach(setupBuilder);
    document.querySelectorAll("form.pg-find").forEach(setupFind);
  }

  /* Material reads the search box on keyup only: text pasted with the mouse, dictated or filled in by
     the browser changed the box but never searched. Any input now counts as a keyup (Material ignores a
     value it has already searched). */
  function setupSearchInput() {
    document.addEventListener("input", function (event) {
      if (event.target.classList && event.target.classList.contains("md-search__input")) {
        event.target.dispatchEvent(new Event("keyup"));
      }
    });
  }

  setupSkipLink();
  setupSearchInput();
  setupDidYouMean();
  /* From file:// Material's instant navigation is off, and its document$ completes without ever emitting
     (mkdocs-material 9.8: the disabled navigation's EMPTY completes the subject), so the page is set up
     directly there. */
  if (window.document$ && typeof window.document$.subscribe === "function" && window.location.protocol !== "file:") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
