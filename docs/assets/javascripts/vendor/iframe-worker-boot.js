/*! iframe-worker 1.0.4 (https://github.com/squidfunk/iframe-worker), MIT License, Copyright (c) 2020-2022
    Martin Donath. The worker globals the shim's blank iframe needs, moved by PainGuide from the shim's inline
    script into this file so the page's Content-Security-Policy can forbid inline scripts (see the shim). */
"use strict";
(function () {
  var worker = document.currentScript.getAttribute("data-worker");
  window.postMessage = function (message, origin) {
    parent.postMessage(message, origin || "*");
  };
  window.importScripts = function () {
    var urls = Array.prototype.slice.call(arguments);
    return urls.reduce(function (ready, url) {
      return ready.then(function () {
        return new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = url;
          script.onload = resolve;
          document.body.appendChild(script);
        });
      });
    }, Promise.resolve());
  };
  addEventListener("error", function (event) {
    parent.dispatchEvent(new ErrorEvent("error", { filename: worker, error: event.error }));
  });
})();
