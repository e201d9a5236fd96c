/* Ardoise: a table wider than the screen scrolls in its own box (Material's .md-typeset__scrollwrap).
 * A keyboard must reach that box to scroll it (RGAA 7.3, WCAG 2.1.1): while it overflows, it gets a tab
 * stop and a name ("Tableau défilant : <the heading above it>"); a table that fits gets neither.
 */
(function () {
  "use strict";

  function heading(wrap) {
    for (var node = wrap.previousElementSibling; node; node = node.previousElementSibling) {
      if (/^H[1-6]$/.test(node.tagName)) {
        var copy = node.cloneNode(true);
        copy.querySelectorAll(".headerlink").forEach(function (link) { link.remove(); });
        return copy.textContent.replace(/\s+/g, " ").trim();
      }
    }
    return "";
  }

  function update(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      var title = heading(wrap);
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "group");
      wrap.setAttribute("aria-label", "Tableau défilant" + (title ? " : " + title : ""));
    } else if (wrap.hasAttribute("tabindex")) {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
    }
  }

  function mount() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      update(wrap);
      if (window.ResizeObserver && !wrap.dataset.ardoiseSuivi) {
        wrap.dataset.ardoiseSuivi = "1";
        new ResizeObserver(function () { update(wrap); }).observe(wrap);
      }
    });
  }

  // Material wraps the tables when it mounts its components on document$; we run after it.
  if (window.document$) window.document$.subscribe(mount);
  else document.addEventListener("DOMContentLoaded", mount);
})();
