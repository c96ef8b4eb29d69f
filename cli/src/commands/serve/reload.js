// govpress serve: live reload and the build-error overlay. Injected only by the dev server.
(function () {
  "use strict";
  var version = null;
  var overlay = null;

  function showOverlay(text) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "govpress-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:24px;" +
        "background:rgba(20,20,20,.92);color:#f5f5f5;font:14px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "govpress：构建失败，显示的是上一次成功构建的结果 / build failed, showing the last good build\n\n" + text;
  }

  function hideOverlay() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function apply(state) {
    if (version !== null && state.version !== version && !state.error) {
      location.reload();
      return;
    }
    version = state.version;
    if (state.error) showOverlay(state.error);
    else hideOverlay();
  }

  function poll() {
    var url = "/_govpress/wait" + (version === null ? "" : "?after=" + version);
    fetch(url, { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) { apply(state); poll(); })
      .catch(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
