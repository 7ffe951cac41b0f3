// Reload a page that shows background work (an Excel export) while the work is running:
// the element with data-refresh-seconds is only there until the work is done or failed.
// The reload says it is automatic (?auto_refresh=1), so it does not keep an idle session alive;
// the marker is taken out of the address bar again, so the user's own reload still counts.
(function () {
  var url = new URL(window.location.href);
  if (url.searchParams.has("auto_refresh")) {
    url.searchParams.delete("auto_refresh");
    window.history.replaceState(null, "", url.toString());
  }
  var running = document.querySelector("[data-refresh-seconds]");
  if (running) {
    var seconds = parseInt(running.getAttribute("data-refresh-seconds"), 10) || 2;
    window.setTimeout(function () {
      url.searchParams.set("auto_refresh", "1");
      window.location.replace(url.toString());
    }, seconds * 1000);
  }
})();
