// Preview only: injected by `build.py serve`, never written into the published site.
// Asks the preview server for the site version; reloads when a rebuild finished and
// shows the build's error over the last good page until the editor fixes it, or the
// last good build's warnings in a panel the editor may close.
(function () {
  var status = document.currentScript.getAttribute("data-status");
  var seen = null;
  var overlay = null;
  var shown = null;
  var KEY = "gongkai-closed-warnings";
  function closed() {
    try { return sessionStorage.getItem(KEY); } catch (e) { return null; }
  }
  function close(text) {
    try { sessionStorage.setItem(KEY, text); } catch (e) {}
    show(null, null);
  }
  function show(error, warnings) {
    var text = error ? "构建失败，当前显示的是上一次成功构建的页面：\n\n" + error
      : (warnings && warnings !== closed()) ? "构建成功，但有以下提醒：\n\n" + warnings : null;
    if (text === shown) { return; }
    shown = text;
    if (overlay) { overlay.remove(); overlay = null; }
    if (!text) { return; }
    overlay = document.createElement("div");
    overlay.id = error ? "gongkai-build-error" : "gongkai-build-warnings";
    overlay.setAttribute("role", error ? "alert" : "status");
    overlay.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:99999;" +
      "padding:1em;font:14px/1.6 monospace;white-space:pre-wrap;" +
      (error ? "background:#fff4f4;color:#7a0000;border-top:4px solid #c00"
             : "background:#fffbe6;color:#5c4400;border-top:4px solid #d4a000");
    if (!error) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "关闭提醒";
      button.style.cssText = "float:right;font:inherit";
      button.addEventListener("click", function () { close(warnings); });
      overlay.appendChild(button);
    }
    overlay.appendChild(document.createTextNode(text));
    document.body.appendChild(overlay);
  }
  function poll() {
    fetch(status, {cache: "no-store"}).then(function (r) { return r.json(); }).then(function (s) {
      if (seen !== null && s.version !== seen) { location.reload(); return; }
      seen = s.version;
      show(s.error, s.warnings);
    }).catch(function () {}).then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
