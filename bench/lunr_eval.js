#!/usr/bin/env node
// Runs the evaluation queries against the static site's own search: MkDocs Material's lunr index,
// rebuilt here from <site>/search/search_index.json exactly the way Material's search worker builds it
// (mkdocs-material 9.x, src/templates/assets/javascripts/integrations/search/), and queried the way
// its search box queries it. Called by bench/search_eval.py, which does the scoring.
//
//   node bench/lunr_eval.js input.json
//     input:  {"index": optional path, "queries": [..], "pages": {url: id}, "worker": optional path,
//              "box": optional {"site": dir, "modes": [{"name": .., "origin": optional http origin}]}}
//     stdout: {"results": {"<query>": {"ids": [...], "locations": [...]}}, "worker": {"same": n, "total": n},
//              "box": {"<name>": {"mode": "api" | "offline", "results": {...}, "ms": [...]}}}
//
// With "box", the same queries also go through PainGuide's header-box worker
// (<site>/assets/javascripts/search-worker.js, the file the browser runs) in a node vm: with "origin" it
// talks to that server's API (served), without it reads the site from disk (file://, offline engine).
//
// With "worker" (the site's assets/javascripts/workers/search.*.min.js), the same queries also go
// through Material's own minified worker, run in a node vm, and "worker" tells for how many queries
// its top-10 page order is identical to this port's: a check that the port still matches Material.
//
// What is reproduced from Material's worker:
//   * documents: every page and every section (location "page.html#anchor"), fields title / text / tags
//     with the configured boosts (title 1000, tags 1e6, text 1) and each document's own `boost`;
//   * tokenizer: HTML tags skipped, text split on config.separator, lower-cased; BM25 with b = 0;
//   * pipeline: trimmer / stemmer / stopWordFilter removed unless listed in config.pipeline (the
//     default config lists only stopWordFilter, so there is no stemming);
//   * query: Material's transform (quotes -> required terms, every other term gets a trailing `*`
//     wildcard, hyphenated words split on the separator), then lunr's query parser;
//   * ranking: score * (1 + boost^2), boost = 1 for a page's main document + the share of query terms
//     matched; results are grouped by page, and pages are ranked by their best document.
// What is not: the Chinese segmenter and the UI's highlighting and suggestions (no effect on order).
// Mapping to ids: a page maps through `pages` (the API's url of each entry and module); the patient
// explainer page patients/<id>.html counts as its entry; a trainer module's handout/answers pages count
// as the module. Pages that are no entry (home, glossary, tags, sources, about) keep their place in the
// ranking as "page:<location>" so they count as misses. An id that appears twice (an entry page and its
// patient page) is counted once, at its best rank.
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");
const vm = require("vm");
const lunr = require("lunr");

// --- Material's tokenizer (internal/_/index.ts, internal/extract/index.ts, internal/tokenize) -------

function split(input, separator, fn) {
  separator = new RegExp(separator, "g");
  let match;
  let index = 0;
  do {
    match = separator.exec(input);
    const until = match ? match.index : input.length;
    if (index < until) fn(index, until);
    if (match) {
      const [term] = match;
      index = match.index + term.length;
      if (term.length === 0) separator.lastIndex = match.index + 1;
    }
  } while (match);
}

const TAG_OPEN = 0;
const TEXT = 1;
const TAG_CLOSE = 2;

function extract(input, fn) {
  let block = 0;
  let start = 0;
  let end = 0;
  for (let stack = 0; end < input.length; end++) {
    if (input.charAt(end) === "<" && end > start) {
      fn(block, TEXT, start, (start = end));
    } else if (input.charAt(end) === ">") {
      if (input.charAt(start + 1) === "/") {
        if (--stack === 0) fn(block++, TAG_CLOSE, start, end + 1);
      } else if (input.charAt(end - 1) !== "/") {
        if (stack++ === 0) fn(block, TAG_OPEN, start, end + 1);
      }
      start = end + 1;
    }
  }
  if (end > start) fn(block, TEXT, start, end);
}

function tokenize(input) {
  const tokens = [];
  if (typeof input === "undefined") return tokens;
  const inputs = Array.isArray(input) ? input : [input];
  for (let i = 0; i < inputs.length; i++) {
    const table = lunr.tokenizer.table;
    const total = table.length;
    extract(inputs[i], (block, type, start, end) => {
      block += total;
      table[block] = table[block] || [];
      if (type === TAG_OPEN || type === TAG_CLOSE) {
        table[block].push((start << 12) | ((end - start) << 2) | type);
      } else {
        const section = inputs[i].slice(start, end);
        split(section, lunr.tokenizer.separator, (index, until) => {
          table[block].push(((start + index) << 12) | ((until - index) << 2) | type);
          tokens.push(
            new lunr.Token(section.slice(index, until).toLowerCase(), {
              position: (block << 20) | (table[block].length - 1),
            }),
          );
        });
      }
    });
  }
  return tokens;
}

// --- Material's query handling (query/transform, query/_) -------------------------------------------

function transform(query, fn) {
  return query
    .trim()
    .split(/"([^"]+)"/g)
    .map((parts, index) => (index & 1 ? parts.replace(/^\b|^(?![^\x00-\x7F]|$)|\s+/g, " +") : parts))
    .join("")
    .replace(/"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)/g, "")
    .split(/\s+/g)
    .reduce((prev, term) => {
      const next = fn(term);
      return [...prev, ...(Array.isArray(next) ? next : [next])];
    }, [])
    .map((term) => (/([~^]$)/.test(term) ? `${term}1` : term))
    .map((term) => (/(^[+-]|[~^]\d+$)/.test(term) ? term : `${term}*`))
    .join(" ");
}

function transformSearchQuery(query) {
  return transform(query, (part) => {
    const terms = [];
    const lexer = new lunr.QueryLexer(part);
    lexer.run();
    for (const { type, str: term, start, end } of lexer.lexemes) {
      switch (type) {
        case "FIELD":
          if (!["title", "text", "tags"].includes(term)) part = [part.slice(0, end), " ", part.slice(end + 1)].join("");
          break;
        case "TERM":
          split(term, lunr.tokenizer.separator, (...range) => {
            terms.push([part.slice(0, start), term.slice(...range), part.slice(end)].join(""));
          });
      }
    }
    return terms;
  });
}

function parseSearchQuery(value) {
  const query = new lunr.Query(["title", "text", "tags"]);
  const parser = new lunr.QueryParser(value, query);
  parser.parse();
  for (const clause of query.clauses) {
    clause.usePipeline = true;
    if (clause.term.startsWith("*")) {
      clause.wildcard = lunr.Query.wildcard.LEADING;
      clause.term = clause.term.slice(1);
    }
    if (clause.term.endsWith("*")) {
      clause.wildcard = lunr.Query.wildcard.TRAILING;
      clause.term = clause.term.slice(0, -1);
    }
  }
  return query.clauses;
}

function getSearchQueryTerms(query, terms) {
  const clauses = new Set(query);
  const result = {};
  for (let t = 0; t < terms.length; t++)
    for (const clause of clauses)
      if (terms[t].startsWith(clause.term)) {
        result[clause.term] = true;
        clauses.delete(clause);
      }
  for (const clause of clauses) if (lunr.stopWordFilter && lunr.stopWordFilter(clause.term)) result[clause.term] = false;
  return result;
}

// --- the index (search/_/index.ts) ------------------------------------------------------------------

function loadIndex(file) {
  let raw = fs.readFileSync(file, "utf8");
  if (file.endsWith(".js")) raw = raw.slice(raw.indexOf("{"), raw.lastIndexOf("}") + 1); // var __index = {...}
  return JSON.parse(raw);
}

function buildSearch({ config, docs }) {
  const map = new Map(); // setupSearchDocumentMap: sections get their page as parent
  for (const doc of docs) {
    const [page] = doc.location.split("#");
    const article = map.get(page);
    if (typeof article === "undefined") map.set(page, doc);
    else {
      map.set(doc.location, doc);
      doc.parent = article;
    }
  }
  const extractor = (name) => (doc) => {
    if (typeof doc[name] === "undefined") return undefined;
    lunr.tokenizer.table = [];
    return doc[name];
  };
  const index = lunr(function () {
    this.metadataWhitelist = ["position"];
    this.b(0);
    if (config.lang.length !== 1 || config.lang[0] !== "en") {
      throw new Error(`only the English pipeline is reproduced here, not ${config.lang}`);
    }
    this.tokenizer = tokenize;
    lunr.tokenizer.separator = new RegExp(config.separator);
    lunr.tokenizer.table = [];
    const removed = ["trimmer", "stopWordFilter", "stemmer"].filter((fn) => !config.pipeline.includes(fn));
    for (const fn of removed) {
      this.pipeline.remove(lunr[fn]);
      this.searchPipeline.remove(lunr[fn]);
    }
    this.ref("location");
    for (const [name, spec] of Object.entries(config.fields)) this.field(name, { ...spec, extractor: extractor(name) });
    for (const doc of docs) this.add(doc, { boost: doc.boost });
  });
  return { index, map };
}

function search({ index, map }, raw) {
  const query = transformSearchQuery(raw.replace(/\p{Z}/gu, " ").trim());
  if (!query) return [];
  const clauses = parseSearchQuery(query).filter((c) => c.presence !== lunr.Query.presence.PROHIBITED);
  let found;
  try {
    found = index.search(query);
  } catch (err) {
    if (err instanceof lunr.QueryParseError) return []; // the UI shows nothing for these, too
    throw err;
  }
  const items = found
    .map(({ ref, score, matchData }) => {
      const doc = map.get(ref);
      const terms = getSearchQueryTerms(clauses, Object.keys(matchData.metadata));
      const boost = +!doc.parent + Object.values(terms).filter((t) => t).length / Object.keys(terms).length;
      return { location: ref, page: doc.parent ? doc.parent.location : doc.location, score: score * (1 + boost ** 2) };
    })
    .sort((a, b) => b.score - a.score);
  const pages = [];
  for (const item of items) if (!pages.includes(item.page)) pages.push(item.page);
  return pages;
}

// --- mapping pages to ids -----------------------------------------------------------------------------

function pageId(location, pages) {
  if (location in pages) return pages[location];
  let m = /^patients\/([a-z0-9-]+)\.html$/.exec(location);
  if (m && m[1] !== "index") return m[1];
  m = /^trainers\/([a-z0-9-]+)\/[a-z0-9-]+\.html$/.exec(location);
  if (m) return m[1];
  return `page:${location}`;
}

// --- cross-check against Material's own worker bundle -----------------------------------------------

async function workerPages(workerFile, index, queries) {
  let listener = null;
  const replies = [];
  const context = {
    console, setTimeout, Promise, Uint16Array,
    addEventListener: (type, fn) => { listener = fn; },
    postMessage: (message) => replies.push(message),
  };
  context.self = context;
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(workerFile, "utf8"), context);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  listener({ data: { type: 0, data: { ...index, options: { suggest: false } } } }); // SETUP
  while (!replies.some((m) => m.type === 1)) await settle(); // READY
  const out = {};
  for (const q of queries) {
    replies.length = 0;
    listener({ data: { type: 2, data: q } }); // QUERY
    while (!replies.some((m) => m.type === 3)) await settle(); // RESULT
    const { items } = replies.find((m) => m.type === 3).data;
    out[q] = items.map((group) => group[0].location.split("#")[0]).slice(0, 10);
  }
  return out;
}

// --- PainGuide's header-box worker, run as the browser runs it -------------------------------------

async function boxPages(site, origin, queries, pages) {
  const root = origin ? new URL("/", origin) : url.pathToFileURL(site + path.sep);
  const workerUrl = new URL("assets/javascripts/search-worker.js", root);
  const context = {
    console, setTimeout, clearTimeout, Promise, URL, URLSearchParams, AbortController, fetch,
    location: { href: String(workerUrl) },
    addEventListener: () => {},
    postMessage: () => {},
  };
  context.self = context;
  // importScripts: the site's own files, whatever the origin (the offline engine's scripts)
  context.importScripts = (...urls) => {
    for (const u of urls) {
      const rel = decodeURIComponent(new URL(u).pathname).slice(decodeURIComponent(root.pathname).length);
      vm.runInContext(fs.readFileSync(path.join(site, rel), "utf8"), context, { filename: rel });
    }
  };
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(path.join(site, "assets/javascripts/search-worker.js"), "utf8"), context);
  const worker = context.PainGuideWorker;
  await worker.handle({ type: 0, data: { config: {}, docs: [], options: { suggest: false } } }); // SETUP
  const results = {};
  const ms = [];
  for (const q of queries) {
    const started = performance.now();
    const reply = await worker.handle({ type: 2, data: q }); // QUERY -> RESULT
    ms.push(performance.now() - started);
    const locations = reply.data.items.map((group) => group[0].location);
    const ids = [];
    for (const location of locations) {
      const id = pageId(location, pages);
      if (!ids.includes(id)) ids.push(id);
    }
    results[q] = { ids: ids.slice(0, 10), locations: locations.slice(0, 10) };
  }
  return { mode: worker.mode(), results, ms };
}

async function main() {
  const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  const pages = {};
  for (const [url, id] of Object.entries(input.pages)) pages[url.replace(/^\//, "")] = id;
  const results = {};
  const output = { results };
  const index = input.index ? loadIndex(path.resolve(input.index)) : null; // null: the header box only
  const engine = index && buildSearch(JSON.parse(JSON.stringify(index))); // buildSearch adds parent links
  for (const q of engine ? input.queries : []) {
    const locations = search(engine, q);
    const ids = [];
    for (const location of locations) {
      const id = pageId(location, pages);
      if (!ids.includes(id)) ids.push(id);
    }
    results[q] = { ids: ids.slice(0, 10), locations: locations.slice(0, 10) };
  }
  if (input.box) {
    output.box = {};
    for (const mode of input.box.modes) {
      output.box[mode.name] = await boxPages(path.resolve(input.box.site), mode.origin, input.queries, pages);
    }
  }
  if (input.worker && index) {
    const real = await workerPages(path.resolve(input.worker), index, input.queries);
    const same = input.queries.filter((q) => JSON.stringify(real[q]) === JSON.stringify(results[q].locations));
    output.worker = { same: same.length, total: input.queries.length };
  }
  process.stdout.write(JSON.stringify(output));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
