// Progressive enhancement only: every page is complete without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  // Without JavaScript the header search leads to the catalogue; with it, to full-text search.
  document.querySelectorAll("form[data-search-action]").forEach(function (form) {
    form.setAttribute("action", form.getAttribute("data-search-action"));
  });

  // 大字版: larger text and higher contrast, remembered across pages (prefs.js applies it early).
  var root = document.documentElement;
  document.querySelectorAll("[data-large-print]").forEach(function (button) {
    button.hidden = false;
    button.setAttribute("aria-pressed", String(root.classList.contains("large-print")));
    button.addEventListener("click", function () {
      var on = root.classList.toggle("large-print");
      button.setAttribute("aria-pressed", String(on));
      try {
        if (on) { window.localStorage.setItem("gongkai-large-print", "1"); }
        else { window.localStorage.removeItem("gongkai-large-print"); }
      } catch (e) { /* storage blocked: the choice lasts for this page only */ }
    });
  });

  // 政务公开目录: narrow the rows by 主题分类 and 体裁分类 in place, both at once. Without JavaScript
  // every row shows, and the facet links lead to a page per value instead.
  document.querySelectorAll("[data-catalogue-filter]").forEach(function (form) {
    var status = form.querySelector("[data-catalogue-status]");
    var rows = document.querySelectorAll("tr[data-topic]");
    var links = document.querySelectorAll(".catalogue-facets a[data-facet]");
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var match = ["topic", "genre"].every(function (name) {
          var field = form.elements[name];
          return !field || !field.value || row.getAttribute("data-" + name) === field.value;
        });
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      links.forEach(function (link) {
        var field = form.elements[link.getAttribute("data-facet")];
        if (field && field.value === link.getAttribute("data-value")) { link.setAttribute("aria-current", "true"); }
        else { link.removeAttribute("aria-current"); }
      });
      status.textContent = "显示 " + shown + " 条，共 " + rows.length + " 条。";
    }
    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = form.elements[link.getAttribute("data-facet")];
        if (!field) { return; }
        event.preventDefault();
        field.value = link.getAttribute("data-value");
        apply();
      });
    });
    form.hidden = false;
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  });
})();
