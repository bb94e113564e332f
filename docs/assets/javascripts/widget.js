/* PainGuide embeddable search widget. One tag:
   <script src="https://HOST/assets/javascripts/widget.js" data-api="https://HOST/api/v1"
           data-audience="patient"></script>
   It adds a search box right where the tag is and lists matching PainGuide pages. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var api = (script.getAttribute("data-api") || new URL("../../api/v1", script.src).href).replace(/\/$/, "");
  var audience = script.getAttribute("data-audience") || "";
  var root = document.createElement("div");
  root.className = "painguide-widget";
  var form = document.createElement("form");
  form.setAttribute("role", "search");
  var label = document.createElement("label");
  label.textContent = "Search PainGuide";
  var input = document.createElement("input");
  input.type = "search";
  input.style.marginLeft = "0.5em";
  label.appendChild(input);
  var button = document.createElement("button");
  button.type = "submit";
  button.textContent = "Search";
  var results = document.createElement("ol");
  results.setAttribute("aria-live", "polite");
  form.append(label, " ", button);
  root.append(form, results);
  script.parentNode.insertBefore(root, script.nextSibling);
  /* The API's query length limit, from search-tuning.js beside this file (painguide/search/tuning.py):
     longer queries are cut to it, not refused. */
  var tuning = document.createElement("script");
  tuning.src = new URL("search-tuning.js", script.src).href;
  tuning.onload = function () { if (maxQuery()) input.maxLength = maxQuery(); };
  document.head.appendChild(tuning);

  function maxQuery() {
    return window.PG_SEARCH_TUNING ? window.PG_SEARCH_TUNING.maxQuery : undefined;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = input.value.trim().slice(0, maxQuery());
    if (!q) return;
    var params = new URLSearchParams({ q: q, limit: "5" });
    if (audience) params.set("audience", audience);
    fetch(api + "/search?" + params.toString())
      .then(function (r) { return r.json(); })
      .then(function (data) {
        results.textContent = "";
        (data.results || []).forEach(function (hit) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          var site = api.replace(/\/api\/v1$/, "");
          var path = audience === "patient" && hit.type !== "module" && hit.type !== "team-question" &&
            hit.type !== "data-element" ? "/patients/" + hit.id + ".html" : hit.url;
          a.href = site + path;
          a.textContent = hit.title;
          a.target = "_blank";
          a.rel = "noopener";
          li.appendChild(a);
          results.appendChild(li);
        });
        if (!results.children.length) {
          var li = document.createElement("li");
          li.textContent = "No matches. Try other words.";
          results.appendChild(li);
        }
      })
      .catch(function () { results.textContent = "PainGuide search is not available right now."; });
  });
})();
