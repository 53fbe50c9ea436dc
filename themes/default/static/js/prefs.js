// Loaded in <head>, before the page is drawn: apply the reader's 大字版 choice at once,
// so large-print pages never flash at normal size. Nothing else belongs here.
(function () {
  "use strict";
  try {
    if (window.localStorage.getItem("gongkai-large-print") === "1") {
      document.documentElement.classList.add("large-print");
    }
  } catch (e) { /* storage blocked: the page stays at normal size */ }
})();
