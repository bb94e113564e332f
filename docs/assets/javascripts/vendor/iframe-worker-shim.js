/*! iframe-worker 1.0.4 shim (https://github.com/squidfunk/iframe-worker), MIT License,
    Copyright (c) 2020-2022 Martin Donath. Vendored so the site search works from file:// with no network;
    Material's offline plugin would otherwise load it from a CDN.

    Changed by PainGuide (security review 2, F1), otherwise the same behaviour:
    - the worker URL must be a relative path to a .js file (no scheme, host or "//", no quotes): Material takes
      it from the page's #__config, and a URL from another host would run with access to the page;
    - the worker's globals (postMessage, importScripts, the error relay) come from iframe-worker-boot.js,
      beside this file, instead of an inline script: the page's Content-Security-Policy, which the blank
      iframe inherits, allows no inline script but Material's own. */
"use strict";
(function () {
  var WORKER_URL = /^(?:\.{1,2}\/)*(?:[A-Za-z0-9_-]+\/)*[A-Za-z0-9_.-]+\.js$/;
  var BOOT = new URL("iframe-worker-boot.js", document.currentScript.src).href;

  function quoted(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  class IFrameWorker extends EventTarget {
    constructor(url) {
      super();
      url = String(url);
      if (!WORKER_URL.test(url)) throw new TypeError("iframe-worker: not a relative script path: " + url);
      this.url = url;
      this.m = (event) => {
        if (event.source === this.w) {
          this.dispatchEvent(new MessageEvent("message", { data: event.data }));
          if (this.onmessage) this.onmessage(event);
        }
      };
      this.e = (message, filename, lineno, colno, error) => {
        if (filename === `${this.url}`) {
          var event = new ErrorEvent("error", { message, filename, lineno, colno, error });
          this.dispatchEvent(event);
          if (this.onerror) this.onerror(event);
        }
      };
      var frame = document.createElement("iframe");
      frame.hidden = true;
      document.body.appendChild((this.iframe = frame));
      this.w.document.open();
      this.w.document.write(
        `<html><body><script src="${quoted(BOOT)}" data-worker="${quoted(url)}"><\/script>` +
          `<script src="${quoted(url)}?${+Date.now()}"><\/script></body></html>`
      );
      this.w.document.close();
      onmessage = this.m;
      onerror = this.e;
      this.r = new Promise((resolve, reject) => {
        this.w.onload = resolve;
        this.w.onerror = reject;
      });
    }
    terminate() {
      this.iframe.remove();
      onmessage = onerror = null;
    }
    postMessage(data) {
      this.r.catch().then(() => {
        this.w.dispatchEvent(new MessageEvent("message", structuredClone({ data })));
      });
    }
    get w() {
      return this.iframe.contentWindow;
    }
  }
  window.IFrameWorker = IFrameWorker;
  if (location.protocol === "file:") window.Worker = IFrameWorker;
})();
