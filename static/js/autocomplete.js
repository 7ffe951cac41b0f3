/*
 * The autocomplete endpoints (apps.core.autocomplete) take the typed term by POST, so that a
 * name never goes into a URL. Django's CSRF check wants the token in a header: take it from the
 * form the widget is in. Only same-origin POSTs get it.
 */
(function ($) {
  "use strict";
  $.ajaxPrefilter(function (options, originalOptions, xhr) {
    if (options.crossDomain || (options.type || "").toUpperCase() !== "POST") {
      return;
    }
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      xhr.setRequestHeader("X-CSRFToken", input.value);
    }
  });
})(window.jQuery);
