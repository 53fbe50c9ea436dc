// The editing page's own fixes to Decap CMS, in the site's language: an accessible name for the
// Markdown editor and the "now" buttons, which Decap leaves unnamed or names in English.
"use strict";
(function () {
  function fieldLabel(element) {
    const container = element.closest("[class*='ControlContainer']");
    const label = container && container.querySelector("label");
    return label ? label.firstChild.textContent.trim() : "";
  }
  function name() {
    document.querySelectorAll("[role='textbox']:not([aria-label])").forEach(function (box) {
      const label = fieldLabel(box);
      if (label) box.setAttribute("aria-label", label);
    });
    document.querySelectorAll("button[data-testid='now-button']").forEach(function (button) {
      const wanted = "将" + fieldLabel(button) + "设为现在";
      if (button.getAttribute("aria-label") !== wanted) button.setAttribute("aria-label", wanted);
    });
  }
  new MutationObserver(name).observe(document.documentElement, {childList: true, subtree: true});
})();
