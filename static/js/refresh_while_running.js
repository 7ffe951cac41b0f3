// Reload a page that shows background work (an Excel export) while the work is running:
// the element with data-refresh-seconds is only there until the work is done or failed.
(function () {
  var running = document.querySelector("[data-refresh-seconds]");
  if (running) {
    var seconds = parseInt(running.getAttribute("data-refresh-seconds"), 10) || 2;
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
