/*
 * The contract request form: an enterprise contract names its enterprise; a regional or industry
 * contract names the employers' representative and lists the enterprises it covers. The fields
 * the chosen scope does not use are hidden (not cleared: the server ignores them). Without this
 * script every field shows, and the server still decides.
 */
(function () {
  "use strict";
  function update(select) {
    var scope = select.value;
    document.querySelectorAll("[data-scope-show]").forEach(function (input) {
      var wrapper = input.closest("[id^=div_id_]") || input.parentElement;
      var shown = input.getAttribute("data-scope-show").split(" ").indexOf(scope) !== -1;
      wrapper.hidden = !shown;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[data-contract-scope]");
    if (!select) {
      return;
    }
    select.addEventListener("change", function () {
      update(select);
    });
    update(select);
  });
})();
