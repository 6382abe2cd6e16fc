// Tables wider than a phone scroll sideways inside their .table-wrap (issue 17). A keyboard can only scroll a region
// it can reach, so each .table-wrap that actually scrolls becomes a named, focusable region: tabindex="0",
// role="region" and aria-label "Table: " + its table's caption or the heading before it (axe-core rule
// scrollable-region-focusable, WCAG 2.1.1). Tables that fit get no extra tab stop. Loaded by base.html; no inline code.
(function () {
  "use strict";
  // The word "Table" in the page's language, from base.html: "Tabla: Ruta de trata" does not repeat the name of the
  // section the table is in (axe landmark-unique).
  var script = document.currentScript;
  var word = (script && script.getAttribute("data-table")) || "Table";

  function nameOf(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var el = wrap.previousElementSibling; el; el = el.previousElementSibling) {
      if (/^H[1-6]$/.test(el.tagName)) return el.textContent.trim();
      var inner = el.querySelector && el.querySelector("h1, h2, h3, h4, h5, h6, legend");
      if (inner && inner.textContent.trim()) return inner.textContent.trim();
    }
    var section = wrap.parentElement && wrap.parentElement.closest("section, article, details, main");
    var heading = section && section.querySelector("h1, h2, h3, h4, summary");
    return heading ? heading.textContent.trim() : document.title;
  }

  function mark(wrap) {
    var scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !wrap.hasAttribute("tabindex")) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label") && !wrap.hasAttribute("aria-labelledby")) {
        wrap.setAttribute("aria-label", word + ": " + nameOf(wrap));
      }
      wrap.setAttribute("data-scroll-region", "");
    } else if (!scrolls && wrap.hasAttribute("data-scroll-region")) {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
      wrap.removeAttribute("aria-label");
      wrap.removeAttribute("data-scroll-region");
    }
  }

  function markAll() {
    document.querySelectorAll(".table-wrap").forEach(mark);
  }

  markAll();
  // Tables filled or resized later (a rotated phone, a map's list of places) are looked at again.
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(markAll);
    document.querySelectorAll(".table-wrap, .table-wrap > table").forEach(function (el) {
      observer.observe(el);
    });
  } else {
    window.addEventListener("resize", markAll);
  }
})();
