// Preview only: injected by `build.py serve`, never written into the published site.
// Asks the preview server for the site version; reloads when a rebuild finished and
// shows the build's error over the last good page until the editor fixes it.
(function () {
  var status = document.currentScript.getAttribute("data-status");
  var seen = null;
  var overlay = null;
  function show(error) {
    if (!error) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "gongkai-build-error";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
        "background:#fff4f4;color:#7a0000;border-top:4px solid #c00;padding:1em;font:14px/1.6 monospace;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "构建失败，当前显示的是上一次成功构建的页面：\n\n" + error;
  }
  function poll() {
    fetch(status, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      show(s.error);
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
