// Polls a roster import's progress and reloads the page when it is done.
// A separate file, not inline: the Content Security Policy allows scripts from this origin only.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.style.width = data.percent + "%";
        bar.textContent = data.total ? data.processed + " / " + data.total : data.percent + "%";
        if (data.status !== "queued" && data.status !== "running") {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
