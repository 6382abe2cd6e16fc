// The intake check as she types: post the intake form to the check address and show the possible duplicates
// (an HTML fragment rendered by the server). Without JavaScript the same list appears as a step before saving.
(function () {
  "use strict";
  var box = document.getElementById("possible-duplicates");
  if (!box || !box.dataset.checkUrl) { return; }
  var form = box.closest("form");
  var timer = null;
  var last = "";
  function watched(target) {
    return target && target.name && /^(person-|report-last_seen)/.test(target.name);
  }
  function check() {
    var data = new FormData(form);
    var key = [];
    data.forEach(function (value, name) { if (/^(person-|report-last_seen)/.test(name)) { key.push(name + "=" + value); } });
    key = key.join("&");
    if (key === last) { return; }
    last = key;
    fetch(box.dataset.checkUrl, { method: "POST", body: data, credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var reason = form.querySelector("#id_duplicate_reason");
        if (reason && document.activeElement === reason) { return; }
        box.innerHTML = html;
      })
      .catch(function () { /* the check step before saving still runs */ });
  }
  function later(event) {
    if (!watched(event.target)) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
