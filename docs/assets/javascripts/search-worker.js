/* PainGuide's search worker for Material's header search box. It speaks the protocol of Material's own
   lunr worker (mkdocs-material 9.x, integrations/search/worker: SETUP 0 -> READY 1, QUERY 2 -> RESULT 3,
   a result being {items: [[article, ...sections]], suggest?: [word]}), so the theme's dialog, result
   markup, keyboard navigation and highlighting stay as they are; only the engine behind them changes.
   overrides/main.html points Material's config at this file.

   At SETUP it decides once: if the PainGuide API answers on this origin (`painguide serve`), every query
   goes to /api/v1/search (the API's ranking and order) and /api/v1/suggest; otherwise (file://, a static
   host) the offline engine (search-engine.js: MiniSearch over search-docs.js) answers. A failed API call
   switches to the offline engine for the rest of the visit.

   Runs as a Web Worker, under Material's iframe-worker shim from file:// (where importScripts returns a
   promise and the worker's URL is its <script src>), and in node for `make eval` (bench/lunr_eval.js). */
(function () {
  "use strict";

  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  var LIMIT = 20; /* results asked of the API: Material shows the first 10 and more on scroll */
  var PROBE_MS = 1500;

  var here = typeof document !== "undefined" && document.currentScript
    ? document.currentScript.src /* iframe-worker shim: this file is a <script> in its blank iframe */
    : self.location.href;
  var ROOT = new URL("../../", here); /* this file is assets/javascripts/search-worker.js */

  var mode = null; /* "api" or "offline", once SETUP has decided */
  var options = { suggest: false };
  var offline = null; /* promise of the offline engine */
  var setup = null; /* promise resolved when SETUP is done */
  var latest = 0; /* a reply to an older query than this one is dropped (the API answers out of order) */
  /* The API's query length limit, from search-tuning.js (painguide/search/tuning.py), read at SETUP;
     undefined (no cut) on a site without it (`mkdocs serve`, which has no API either). */
  var maxQuery;

  function loadTuning() {
    return new Promise(function (resolve) {
      resolve(importScripts(String(new URL("search-tuning.js", here)))); /* a promise under the shim */
    }).then(function () {
      maxQuery = self.PG_SEARCH_TUNING.maxQuery;
    });
  }

  function loadOffline() {
    if (!offline) {
      var urls = ["vendor/minisearch.js", "search-docs.js", "search-engine.js"].map(function (f) {
        return String(new URL(f, here));
      });
      offline = Promise.resolve(importScripts.apply(self, urls)).then(function () {
        return self.PainGuideSearch.create(self.PG_SEARCH, self.MiniSearch);
      });
    }
    return offline;
  }

  function probe() {
    if (ROOT.protocol !== "http:" && ROOT.protocol !== "https:") return Promise.resolve(false);
    var abort = typeof AbortController !== "undefined" ? new AbortController() : null;
    var timer = setTimeout(function () { if (abort) abort.abort(); }, PROBE_MS);
    return fetch(String(new URL("api/v1/health", ROOT)), {
      signal: abort ? abort.signal : undefined, headers: { accept: "application/json" },
    })
      .then(function (r) {
        return r.ok && /json/.test(r.headers.get("content-type") || "") ? r.json() : null;
      })
      .then(function (d) { return !!(d && d.status === "ok"); })
      .catch(function () { return false; })
      .finally(function () { clearTimeout(timer); });
  }

  function getJSON(path, params) {
    var url = new URL(path, ROOT);
    Object.keys(params).forEach(function (k) { url.searchParams.set(k, params[k]); });
    return fetch(String(url), { headers: { accept: "application/json" } }).then(function (r) {
      if (r.status === 422) return null; /* a query the API refuses is a query with no results */
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }

  /* Only <mark> survives from the API's snippets (already HTML-escaped by the API). */
  function snippet(html) {
    return String(html || "").replace(/<(?!\/?mark>)/g, "&lt;");
  }

  function queryWords(query) {
    var S = self.PainGuideSearch;
    return S ? S.words(query) : (query.toLowerCase().match(/[a-z0-9]+/g) || []);
  }

  /* Material's `terms`: query words -> matched; they become the ?h= highlight of the page opened. */
  function termsOf(words) {
    var terms = {};
    words.forEach(function (w) { if (w.length > 2) terms[w] = true; });
    return terms;
  }

  function markTitle(title, words) {
    var esc = String(title).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
    var wanted = words.filter(function (w) { return w.length > 2; });
    if (!wanted.length) return esc;
    return esc.replace(/[A-Za-z0-9]+/g, function (w) {
      var l = w.toLowerCase();
      return wanted.some(function (q) { return l.indexOf(q) === 0; }) ? "<mark>" + w + "</mark>" : w;
    });
  }

  function completion(query, labels) {
    var typed = query.split(/[\s-]+/).pop();
    var last = typed.toLowerCase();
    if (last.length < 2) return [];
    for (var i = 0; i < labels.length; i++) {
      var ws = labels[i].toLowerCase().match(/[a-z0-9]+/g) || [];
      for (var j = 0; j < ws.length; j++)
        if (ws[j].length > last.length && ws[j].indexOf(last) === 0) return [typed + ws[j].slice(last.length)];
    }
    return [];
  }

  function item(location, title, text, score, terms) {
    return [{ location: location, title: title, text: text, score: score, terms: terms }];
  }

  function apiSearch(query) {
    var q = query.slice(0, maxQuery);
    return Promise.all([
      getJSON("api/v1/search", { q: q, limit: LIMIT }),
      options.suggest ? getJSON("api/v1/suggest", { q: q, limit: 3 }).catch(function () { return null; }) : null,
    ]).then(function (answers) {
      var data = answers[0], sug = answers[1];
      if (!data) return { items: [] };
      var words = queryWords(data.suggestion || q);
      var terms = termsOf(words);
      var n = data.results.length;
      var result = {
        items: data.results.map(function (hit, i) {
          /* the API's order; Enter opens the highest data-md-score, so scores fall with the rank */
          return item(hit.url.replace(/^\//, ""), markTitle(hit.title, words), snippet(hit.snippet), n - i, terms);
        }),
        total: data.total,
        suggestion: data.suggestion || null, /* "did you mean": shown by painguide.js */
      };
      if (options.suggest) {
        result.suggest = completion(q, (sug && sug.completions || []).map(function (c) { return c.label; }));
      }
      return result;
    });
  }

  function offlineSearch(query) {
    return loadOffline().then(function (engine) {
      /* as many as the API is asked for: both modes show the same number of results */
      var found = engine.search(query.slice(0, maxQuery)).slice(0, LIMIT);
      var words = queryWords(query);
      var n = found.length;
      var result = {
        items: found.map(function (r, i) {
          var marks = r.terms.concat(words);
          /* ?h= gets the words the index matched (the corrected ones for a typo) */
          return item(r.url, engine.highlight(r.title, marks), engine.highlight(r.summary, marks), n - i, termsOf(r.terms));
        }),
        total: n,
        suggestion: null,
      };
      if (options.suggest) result.suggest = engine.complete(query, found);
      return result;
    });
  }

  function search(query) {
    if (!query.trim()) return Promise.resolve({ items: [] });
    if (mode === "api") {
      return apiSearch(query).catch(function () {
        mode = "offline"; /* the API went away: answer from the site's own index from now on */
        return offlineSearch(query);
      });
    }
    return offlineSearch(query);
  }

  function handle(message) {
    switch (message.type) {
      case SETUP:
        options = (message.data && message.data.options) || options;
        var tuned = loadTuning().catch(function (err) { console.warn("PainGuide search:", err); });
        setup = Promise.all([probe(), tuned]).then(function (answers) {
          var served = answers[0];
          mode = served ? "api" : "offline";
          /* a site without search-docs.js (`mkdocs serve`) still gets READY, and empty results */
          return served ? null : loadOffline().catch(function (err) { console.warn("PainGuide search:", err); });
        });
        return setup.then(function () { return { type: READY }; });
      case QUERY:
        var seq = ++latest;
        return (setup || Promise.resolve())
          .then(function () { return search(String(message.data)); })
          .catch(function (err) {
            console.warn("PainGuide search failed:", err);
            return { items: [] };
          })
          .then(function (data) {
            data.query = String(message.data); /* which query this answers (painguide.js marks the list) */
            return seq === latest ? { type: RESULT, data: data } : null;
          });
      default:
        return Promise.reject(new TypeError("Invalid message type"));
    }
  }

  self.PainGuideWorker = { handle: handle, mode: function () { return mode; } };
  addEventListener("message", function (ev) {
    handle(ev.data).then(function (reply) { if (reply) postMessage(reply); });
  });
})();
