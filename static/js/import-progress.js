// Polls a roster import's progress and reloads the page when it is done.
// A separate file, not inline: the Content Security Policy allows scripts from this origin only.
// Polls and the reload say they are automatic (X-Auto-Refresh, ?auto_refresh=1): they do not keep
// an idle session alive. When the session has ended (timed out, or a logout in another tab) the
// poll answers 401 and the page reloads to the login page; a server error polls again later.
(function () {
  "use strict";
  var url = new URL(window.location.href);
  if (url.searchParams.has("auto_refresh")) {
    url.searchParams.delete("auto_refresh");
    window.history.replaceState(null, "", url.toString());
  }
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  function reload(automatic) {
    if (automatic) { url.searchParams.set("auto_refresh", "1"); }
    window.location.replace(url.toString());
  }
  function poll() {
    fetch(box.dataset.url, {
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-Auto-Refresh": "1" }
    })
      .then(function (response) {
        // The session ended (timed out, or a logout in another tab): the server answers 401,
        // or a redirect to the login page (followed by fetch). Reload: the page goes to the login.
        if (response.redirected || response.status === 401 || response.status === 403) {
          reload(false);
          return null;
        }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        if (data === null) { return; }
        bar.style.width = data.percent + "%";
        bar.textContent = data.total ? data.processed + " / " + data.total : data.percent + "%";
        if (data.status !== "queued" && data.status !== "running") {
          reload(true);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
