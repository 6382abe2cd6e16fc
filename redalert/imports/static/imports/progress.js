// Follows an import job: polls its progress and moves the bar; reloads the page (with its report) when it ends.
// Without JavaScript the page refreshes itself (<noscript> meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box || box.dataset.finished === "1") return;
  var bar = document.getElementById("import-bar");
  var count = document.getElementById("import-count");
  var status = document.getElementById("import-status");
  var pattern = count.dataset.pattern || "__DONE__ / __TOTAL__";

  function show(data) {
    if (data.saving) {
      bar.removeAttribute("value"); // indeterminate: every row is being saved in one transaction
    } else {
      bar.value = data.percent;
    }
    bar.textContent = data.percent + " %";
    if (data.rows_total !== null) {
      count.textContent = pattern.replace("__DONE__", data.rows_done).replace("__TOTAL__", data.rows_total);
    }
    status.textContent = data.status_label + (data.phase ? " · " + data.phase : "");
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { setTimeout(poll, 5000); return; }
        show(data);
        if (data.finished) { window.location.reload(); return; }
        setTimeout(poll, 1500);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
