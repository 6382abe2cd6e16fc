/*
 * Place picker: suggestions from /places/search/ as the user types into a PlacePickerWidget
 * (redalert/places/forms.py). Pick with the mouse or with the arrow keys and Enter; the choice fills the
 * hidden input with the place's id. Typing again clears the id, so the server resolves the new text.
 * Without this script the form still works: the server resolves the typed text.
 *
 * ARIA 1.2 combobox pattern: the text box is role=combobox with aria-expanded, aria-controls and
 * aria-activedescendant; suggestions are role=option in a role=listbox.
 */
(function () {
  "use strict";
  if (window.RedAlertPlacePicker) return; // loaded twice

  var DEBOUNCE_MS = 200;
  var MIN_CHARS = 2;

  function init(root) {
    if (root.dataset.placePickerReady) return;
    var input = root.querySelector("input[role=combobox]");
    var hidden = root.querySelector("input[type=hidden]");
    var list = root.querySelector("ul[role=listbox]");
    var status = root.querySelector("[data-place-status]");
    if (!input || !hidden || !list) return;
    root.dataset.placePickerReady = "1";

    var results = [];
    var active = -1;
    var timer = null;
    var controller = null;
    var chosenText = hidden.value ? input.value : null; // the label of the place in the hidden input

    function announce(text) {
      if (status) status.textContent = text || "";
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function setActive(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      for (var i = 0; i < options.length; i++) {
        options[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function render(items) {
      results = items;
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.index = String(i);
        option.textContent = item.label; // text, never HTML
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (items.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announce(root.dataset.statusResults);
      } else {
        close();
        announce(root.dataset.statusNone);
      }
    }

    function choose(index) {
      var item = results[index];
      if (!item) return;
      input.value = item.label;
      hidden.value = String(item.id);
      chosenText = item.label;
      close();
      announce("");
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function search(query) {
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      var params = new URLSearchParams({ q: query });
      if (root.dataset.country) params.set("country", root.dataset.country);
      (root.dataset.kinds || "").split(",").forEach(function (kind) {
        if (kind) params.append("kind", kind);
      });
      fetch(root.dataset.searchUrl + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          if (input.value.trim() === query) render(data.results || []);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") close();
        });
    }

    input.addEventListener("input", function () {
      if (input.value !== chosenText) {
        hidden.value = "";
        chosenText = null;
      }
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        if (controller) controller.abort();
        render([]);
        announce("");
        return;
      }
      timer = setTimeout(function () {
        search(query);
      }, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!results.length) return;
        event.preventDefault();
        if (!open) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        setActive(event.key === "ArrowDown" ? active + 1 : active < 0 ? -1 : active - 1);
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault(); // pick, do not submit the form
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    list.addEventListener("mousedown", function (event) {
      event.preventDefault(); // keep the focus in the text box
    });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(Number(option.dataset.index));
    });
    input.addEventListener("blur", close);
  }

  function initAll(scope) {
    var roots = (scope || document).querySelectorAll("[data-place-picker]");
    for (var i = 0; i < roots.length; i++) init(roots[i]);
  }

  window.RedAlertPlacePicker = { init: init, initAll: initAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      initAll();
    });
  } else {
    initAll();
  }
})();
