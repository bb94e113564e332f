/* PainGuide's offline search: MiniSearch over the catalog that `painguide build` writes into
   search-docs.js (globalThis.PG_SEARCH: documents, the API's field boosts, stop words, the glossary's
   synonym groups and `tuning`, this engine's weights and typo rules from painguide/search/tuning.py: no
   weight is written here). Shared by the header box's worker (search-worker.js), the "Find guidance" page
   when no API answers (painguide.js) and `make eval` (bench/lunr_eval.js runs the worker, and so this file,
   in node).

   Sets globalThis.PainGuideSearch = { create(data, MiniSearch) -> engine, fold, words, stem, escapeHTML }.
   engine.search(query, filters) -> [{id, url, title, summary, type, component, terms, score}], best first. */
(function (root) {
  "use strict";

  var WORD = /[a-z0-9]+/g;

  function fold(text) {
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function words(text) {
    return fold(text).match(WORD) || [];
  }

  /* A light English stemmer (plural, -ing, -ed, -ly), on both the index and the query: "injections" and
     "injection", "taking" and "take" meet. Porter's full algorithm is not needed: prefix search catches
     most longer forms, and the fuzzy search any typo left. */
  function stem(w) {
    if (w.length <= 3 || /\d/.test(w)) return w;
    if (/ies$/.test(w)) return w.slice(0, -3) + "y";
    if (/(sses|xes|ches|shes)$/.test(w)) return w.slice(0, -2);
    if (/[^su]s$/.test(w) && w.length > 4) return w.slice(0, -1);
    var m = /^(.{3,}?)(ing|ed)$/.exec(w);
    if (m && /[aeiouy]/.test(m[1])) {
      var base = m[1];
      if (/([^aeiouslz])\1$/.test(base)) return base.slice(0, -1); /* stopping -> stop */
      return base;
    }
    if (/ly$/.test(w) && w.length > 5) return w.slice(0, -2);
    return w;
  }

  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* `text` escaped, with every word whose stem is one of `terms` (index terms) wrapped in <mark>. Runs on
     every result of every keystroke: words are folded only when not ASCII, stemmed only when their first
     two letters start a wanted term (measured in Chromium: p95 27 -> 2 ms for 20 results). */
  function highlight(text, terms) {
    var wanted = new Set(terms);
    var heads = new Set(terms.map(function (t) { return t.slice(0, 2); }));
    return String(text).split(/([A-Za-z0-9\u00c0-\u024f]+)/).map(function (part, i) {
      if (i % 2 === 0 || !part) return escapeHTML(part);
      var w = part.toLowerCase();
      if (/[^\x00-\x7f]/.test(w)) w = fold(w);
      return heads.has(w.slice(0, 2)) && wanted.has(stem(w)) ? "<mark>" + escapeHTML(part) + "</mark>" : escapeHTML(part);
    }).join("");
  }

  function create(data, MiniSearch) {
    var stop = new Set(data.stopWords);
    var T = data.tuning; /* painguide/search/tuning.py's OFFLINE */
    /* synonyms: [name, the group's other names] for every name of a glossary group, found in a query
       as whole words */
    var phrases = [];
    data.synonyms.forEach(function (group) {
      group.forEach(function (name) {
        phrases.push([name, group.filter(function (n) { return n !== name; })]);
      });
    });

    function indexTerm(term) {
      return stop.has(term) ? null : stem(term);
    }

    var ms;
    var last = ""; /* the stem of the word being typed: the one searched as a prefix */
    /* Typo matching only for a word the index does not hold as it is (a word it knows is no typo: and
       measured, fuzzy matching every word cost up to 140 ms a query), one edit, two from
       typoTwoEditsFrom letters ("suboxen" -> "suboxone"). Synonyms are searched exactly (see search). */
    function fuzzy(term) {
      if (term.length < T.typoMinLength || ms._index.has(term)) return false;
      return term.length >= T.typoTwoEditsFrom ? 2 : 1;
    }

    function prefix(term) {
      return term === last && term.length >= T.prefixMinLength;
    }

    ms = new MiniSearch({
      fields: ["title", "aliases", "summary", "text"],
      tokenize: words,
      processTerm: indexTerm,
      searchOptions: {
        boost: data.boost,
        prefix: prefix,
        fuzzy: fuzzy,
        /* a word the index does not know at all is most likely its nearest known word (tuning.py) */
        weights: { fuzzy: T.fuzzyWeight, prefix: T.prefixWeight },
      },
    });
    /* Names written as one word find the name in two ("taichi" -> "Tai chi and qigong"): each pair of
       adjacent words of a title or alias is indexed joined, as one more alias. */
    ms.addAll(data.docs.map(function (d) {
      var joined = [];
      [d.title].concat(d.aliases ? d.aliases.split(" ; ") : []).forEach(function (n) {
        var ws = words(n);
        for (var i = 1; i < ws.length; i++) joined.push(ws[i - 1] + ws[i]);
      });
      return joined.length ? Object.assign({}, d, { aliases: d.aliases + " ; " + joined.join(" ") }) : d;
    }));
    var byId = new Map(data.docs.map(function (d) { return [d.id, d]; }));
    var names = new Map(); /* normalized title or alias -> ids */
    data.docs.forEach(function (d) {
      [d.title].concat(d.aliases ? d.aliases.split(" ; ") : []).forEach(function (n) {
        var key = words(n).join(" ");
        if (!key) return;
        if (!names.has(key)) names.set(key, []);
        names.get(key).push(d.id);
      });
    });

    function matches(doc, filters) {
      if (!filters) return true;
      if (filters.type && doc.type !== filters.type) return false;
      if (filters.component && doc.component !== filters.component) return false;
      if (filters.audience && doc.audience.split(",").indexOf(filters.audience) < 0) return false;
      return true;
    }

    /* One word, or one synonym option, searched alone: document id -> {score, terms}. */
    function scores(text, options) {
      var out = new Map();
      ms.search(text, options).forEach(function (r) {
        /* MiniSearch multiplies by the number of query terms matched: undone, coordination is ours */
        out.set(r.id, { score: r.score / Math.max(1, r.queryTerms.length), terms: r.terms });
      });
      return out;
    }

    /* The API's query shape (painguide/search/plan.py), on MiniSearch's BM25: every query word is a
       concept; a glossary synonym of a word or of a phrase of the query adds its best option only
       (x synonymBoost), not the sum of all (summed, "pain pills" -> 10 opioid names put the Opioids page
       first for every query about pills); adjacent query words found next to each other in a name add
       pairBoost; the sum is scaled by the share of concepts a page matches (coordination); a query that
       is a page's whole name multiplies its score by nameBoost. Measured on tests/search_eval (116
       entries): MRR@10 0.921 with processTerm expansion and MiniSearch's own coordination, 0.957 with this. */

    function search(query, filters) {
      var all = words(query);
      if (!all.length) return [];
      var kept = all.filter(function (w) { return !stop.has(w); });
      /* a query of stop words only ("who") still searches its words */
      var concepts = kept.length ? kept : all;
      var plain = kept.length ? indexTerm : stem;
      last = /[a-z0-9]$/i.test(query) ? stem(all[all.length - 1]) : "";
      var exact = { prefix: false, fuzzy: false, processTerm: plain, combineWith: "AND" };
      var total = new Map(); /* id -> {score, concepts: Set, terms: Set} */

      function add(found, weight, covers) {
        found.forEach(function (hit, id) {
          var t = total.get(id);
          if (!t) total.set(id, (t = { score: 0, concepts: new Set(), terms: new Set() }));
          t.score += weight * hit.score;
          covers.forEach(function (c) { t.concepts.add(c); });
          hit.terms.forEach(function (term) { t.terms.add(term); });
        });
      }

      function best(options, covers) {
        var top = new Map();
        options.forEach(function (option) {
          scores(option, exact).forEach(function (hit, id) {
            var seen = top.get(id);
            if (!seen || hit.score > seen.score) top.set(id, hit);
          });
        });
        add(top, T.synonymBoost, covers);
      }

      concepts.forEach(function (w, i) {
        add(scores(w, { processTerm: plain }), 1, [i]);
      });
      var text = " " + all.join(" ") + " ";
      phrases.forEach(function (p) {
        if (text.indexOf(" " + p[0] + " ") < 0) return;
        var inside = p[0].split(" ");
        best(p[1], concepts.map(function (w, i) { return inside.indexOf(w) >= 0 ? i : -1; }).filter(function (i) {
          return i >= 0;
        }));
      });
      for (var i = 1; i < all.length; i++) add(scores(all[i - 1] + all[i], exact), T.pairBoost, []);

      var named = names.get(all.join(" ")) || names.get(kept.join(" ")) || [];
      var found = [];
      total.forEach(function (t, id) {
        var doc = byId.get(id);
        if (!t.concepts.size || !matches(doc, filters)) return;
        var score = t.score * t.concepts.size / concepts.length;
        if (named.indexOf(id) >= 0) score *= T.nameBoost;
        found.push({
          id: id, url: doc.url, title: doc.title, summary: doc.summary, type: doc.type,
          component: doc.component, terms: Array.from(t.terms), score: score,
        });
      });
      found.sort(function (a, b) { return b.score - a.score; });
      return found;
    }

    /* The completion of the last word being typed, from the titles of the best results ("acet" ->
       "acetaminophen"), for Material's search.suggest. */
    function complete(query, results) {
      var typed = query.split(/[\s-]+/).pop();
      var last = fold(typed);
      if (last.length < 2) return [];
      for (var i = 0; i < Math.min(results.length, 3); i++) {
        var ws = words(results[i].title);
        for (var j = 0; j < ws.length; j++) {
          if (ws[j].length > last.length && ws[j].indexOf(last) === 0) return [typed + ws[j].slice(last.length)];
        }
      }
      return [];
    }

    return { search: search, complete: complete, highlight: highlight, size: data.docs.length };
  }

  root.PainGuideSearch = { create: create, fold: fold, words: words, stem: stem, escapeHTML: escapeHTML };
})(typeof globalThis !== "undefined" ? globalThis : this);
